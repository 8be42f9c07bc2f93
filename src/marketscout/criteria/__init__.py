"""The seven criteria: a registry and the candidate-by-criterion matrix.

    REGISTRY                      criterion id -> compute(store, home, candidates, ...)
    compute_all(store, home, ...) every criterion for a home country
    matrix(criteria)              candidates by criteria
    status(criteria)              source, edition, coverage and how to get missing data
    Criterion                     one criterion's values and where they came from

The criteria modules load on first use of these names: a `rank` that reads its criteria
from the cache (`priority.memo`) needs only `Criterion`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marketscout.criteria.base import Criterion

if TYPE_CHECKING:
    from marketscout.criteria.registry import EDITIONED, REGISTRY, compute_all, matrix, status

_LAZY = ("EDITIONED", "REGISTRY", "compute_all", "matrix", "status")

__all__ = ["EDITIONED", "REGISTRY", "Criterion", "compute_all", "matrix", "status"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from marketscout.criteria import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'marketscout.criteria' has no attribute {name!r}")
