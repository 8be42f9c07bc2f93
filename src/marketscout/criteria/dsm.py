"""DSM: realistic export opportunities from product-level trade data (Decision Support Model)."""

from __future__ import annotations

from collections.abc import Sequence

from marketscout.criteria.base import Criterion, empty
from marketscout.store import Store

SPEC = {"id": "dsm", "name": "DSM realistic export opportunities", "unit": "USD thousand",
        "direction": 1}
HOW = ("The DSM engine needs a complete BACI year (all exporters): "
       "`marketscout data update baci` when online. The embedded snapshot holds only a "
       "two-exporter sample (South Africa, Afghanistan).")


def compute(
    store: Store, home: str, candidates: Sequence[str], year: int | None = None
) -> Criterion:
    """Not available yet: the DSM engine is its own piece of work."""
    return empty(SPEC, candidates, HOW, note="The DSM engine is not part of this release yet.")
