"""`rank` checks its files and options before any heavy work (issue 16).

Timing-independent: the front doors `priority.run.rank` and `rank_file` are replaced by one
that fails the test if it is ever reached, so each bad input must be reported before the
list is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def no_heavy_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from marketscout.priority import run as front_door

    def forbidden(*_: Any, **__: Any) -> Any:
        raise AssertionError("the list was computed before the bad input was reported")

    monkeypatch.setattr(front_door, "rank", forbidden)
    monkeypatch.setattr(front_door, "rank_file", forbidden)


@pytest.mark.usefixtures("no_heavy_work")
@pytest.mark.parametrize(("args", "message"), [
    (("--compare", "{tmp}/missing.csv"), "missing.csv"),
    (("--overrides", "{tmp}/missing.csv"), "Overrides file not found"),
    (("--output", "{tmp}/no/such/folder/list.csv", "--format", "csv"), "does not exist"),
    (("--format", "xlsx"), "--output"),
    (("--home", "Atlantis"), "Atlantis"),
])
def test_bad_input_fails_before_the_list_is_computed(
        run: Run, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = run("rank", *(a.format(tmp=tmp_path) for a in args))
    assert code == 2, out + err
    assert message in err
    assert "Traceback" not in err and "AssertionError" not in out + err
