"""Exports: home-country exports to the market."""

from __future__ import annotations

from collections.abc import Sequence

from marketscout.criteria.base import Criterion
from marketscout.criteria.bilateral import compute_bilateral
from marketscout.store import Store

SPEC = {"id": "exports", "name": "Home-country exports to the market", "unit": "",
        "direction": 1}
HOW = ("Import exports by partner: `marketscout data import exports FILE --home ISO3`, or "
       "`marketscout data update baci` (CEPII BACI, complete for every exporter) when online.")


def compute(
    store: Store,
    home: str,
    candidates: Sequence[str],
    year: int | None = None,
    mean_years: int = 1,
    edition: str | None = None,
    min_coverage: float = 0.5,
) -> Criterion:
    """Latest-year exports by partner, or the mean of the last `mean_years` years."""
    return compute_bilateral(store, "exports", SPEC, HOW, home, candidates, year,
                             mean_years=mean_years, edition=edition, min_coverage=min_coverage)
