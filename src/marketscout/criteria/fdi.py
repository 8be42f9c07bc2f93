"""FDI: inward direct investment position from the market into the home country."""

from __future__ import annotations

from collections.abc import Sequence

from marketscout.criteria.base import Criterion
from marketscout.criteria.bilateral import compute_bilateral
from marketscout.store import Store

SPEC = {"id": "fdi", "name": "Inward FDI position from the market", "unit": "",
        "direction": 1}
HOW = ("Import the central bank's inward FDI positions by investing country: "
       "`marketscout data import fdi FILE --home ISO3`, or "
       "`marketscout data update eurostat oecd`.")


def compute(
    store: Store, home: str, candidates: Sequence[str], year: int | None = None,
    edition: str | None = None, min_coverage: float = 0.5,
) -> Criterion:
    """Latest inward FDI position by investing country."""
    return compute_bilateral(store, "fdi_inward", SPEC, HOW, home, candidates, year,
                             edition=edition, min_coverage=min_coverage)
