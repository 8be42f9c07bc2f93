"""One way to get a HiGHS solver that prints nothing (used by calls/ and plan/).

highspy's constructor calls `enableCallbacks`, and that first call prints the "Running
HiGHS" banner to standard output unless output is already off, which would corrupt CSV or
JSON written to stdout; the subclass sets the option there, before any message.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _quiet_class() -> type:
    import highspy

    class QuietHighs(highspy.Highs):
        def enableCallbacks(self) -> None:  # noqa: N802 - highspy's name
            self.setOptionValue("output_flag", False)
            super().enableCallbacks()

    return QuietHighs


def quiet_highs() -> Any:
    """A silent, seeded HiGHS instance."""
    h = _quiet_class()()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    return h
