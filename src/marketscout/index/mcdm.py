"""Multi-criteria ranking methods used as alternative top-level aggregators: TOPSIS, PROMETHEE II.

Both take an (alternatives x criteria) matrix, weights (rescaled to sum to 1) and criterion
types (+1 benefit, -1 cost). AHP, a weighting method, is in `weights.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from marketscout.errors import FrameworkError

PREFERENCE_FUNCTIONS = ("usual", "ushape", "vshape", "level", "linear", "gaussian")


def _prepare(x: np.ndarray, w: Sequence[float] | np.ndarray,
             types: Sequence[int] | np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = np.asarray(x, dtype=float)
    if m.ndim != 2 or np.isnan(m).any():
        raise FrameworkError("TOPSIS and PROMETHEE need a complete matrix (no missing values).",
                             where="recipe, key 'aggregate'",
                             fix="Impute missing values, or use an arithmetic mean.")
    weights = np.asarray(w, dtype=float)
    weights = weights / weights.sum()
    kinds = np.ones(m.shape[1]) if types is None else np.asarray(types, dtype=float)
    return m, weights, kinds


def topsis(x: np.ndarray, w: Sequence[float] | np.ndarray,
           types: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
    """TOPSIS closeness C = D-/(D+ + D-) with classic vector normalisation (Hwang & Yoon 1981)."""
    m, weights, kinds = _prepare(x, w, types)
    norms = np.sqrt((m**2).sum(axis=0))
    v = m / np.where(norms == 0, 1.0, norms) * weights
    best = np.where(kinds > 0, v.max(axis=0), v.min(axis=0))
    worst = np.where(kinds > 0, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(d_minus / (d_plus + d_minus))


def preference(d: np.ndarray, kind: str, p: float | None = None, q: float | None = None,
               s: float | None = None) -> np.ndarray:
    """One of Brans' six generalised criteria, applied to differences d (<= 0 gives 0)."""
    q0 = 0.0 if q is None else q
    if kind == "usual":
        return (d > 0).astype(float)
    if kind == "ushape":
        return (d > q0).astype(float)
    if kind == "gaussian":
        if not s:
            raise FrameworkError("The gaussian preference function needs s > 0.",
                                 where="recipe, key 'aggregate_params.s'", fix="Add s = ...")
        return np.where(d > 0, 1 - np.exp(-(d**2) / (2 * s**2)), 0.0)
    if p is None or p <= q0:
        raise FrameworkError(f"The {kind} preference function needs p > q.",
                             where="recipe, key 'aggregate_params.p'", fix="Add p (and q).")
    if kind == "vshape":
        return np.clip(d / p, 0.0, 1.0)
    if kind == "level":
        return np.where(d > p, 1.0, np.where(d > q0, 0.5, 0.0))
    if kind == "linear":
        return np.clip((d - q0) / (p - q0), 0.0, 1.0)
    raise FrameworkError(f"Unknown preference function {kind!r}.",
                         where="recipe, key 'aggregate_params.preference'",
                         fix=f"Use one of: {', '.join(PREFERENCE_FUNCTIONS)}.")


def promethee_ii(x: np.ndarray, w: Sequence[float] | np.ndarray,
                 types: Sequence[int] | np.ndarray | None = None, *, kind: str = "usual",
                 p: Sequence[float] | float | None = None, q: Sequence[float] | float | None = None,
                 s: Sequence[float] | float | None = None) -> np.ndarray:
    """PROMETHEE II net flows phi = phi+ - phi-, each averaged over the n - 1 other alternatives.

    p, q, s may be one value or one per criterion; for p-based functions p defaults to each
    criterion's range (max - min), as in the aircraft anchor.
    """
    m, weights, kinds = _prepare(x, w, types)
    n, k = m.shape
    ps = _per_criterion(p, k, np.ptp(m, axis=0) if p is None else None)
    qs, ss = _per_criterion(q, k, None), _per_criterion(s, k, None)
    pi = np.zeros((n, n))
    for j in range(k):
        d = (m[:, None, j] - m[None, :, j]) * kinds[j]
        pi += weights[j] * preference(d, kind, ps[j], qs[j], ss[j])
    if n < 2:
        return np.zeros(n)
    return np.asarray((pi.sum(axis=1) - pi.sum(axis=0)) / (n - 1))


def _per_criterion(value: Sequence[float] | float | None, k: int,
                   default: np.ndarray | None) -> list[float | None]:
    """One parameter per criterion from a scalar, a sequence, or the default (or None)."""
    if value is None:
        return [None] * k if default is None else [float(v) for v in default]
    if isinstance(value, int | float):
        return [float(value)] * k
    values: list[float | None] = [float(v) for v in value]
    if len(values) != k:
        raise FrameworkError(f"Expected {k} preference parameters (one per criterion), "
                             f"got {len(values)}.", where="recipe, key 'aggregate_params'",
                             fix="Give one value, or one per criterion.")
    return values
