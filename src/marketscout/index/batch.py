"""One aggregation level for many replications at once (runs x units x children arrays).

The batched twins of `aggregate.aggregate_rows`, with the same COINr semantics (missing values
re-weight the available children, all-missing gives NaN, `dat_thresh`). The weights differ
per run, so each weighted mean is an elementwise product over (runs, units, children) summed
within each parent with one `np.add.reduceat`. The products and sums are formed as in
`aggregate.py`, child by child in tree order, so identical units keep identical scores (and
tied ranks), which a BLAS matrix product does not guarantee. A run whose values the
aggregator refuses (a geometric mean of a non-positive value, a harmonic mean of a zero) is
flagged as failed, as a COINr rebuild would error for it.

Copeland, TOPSIS and PROMETHEE II are not weighted sums; they call the engine's own functions
run by run.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from marketscout.errors import FrameworkError
from marketscout.index.aggregate import aggregate_rows
from marketscout.index.mcdm import promethee_ii, topsis

MEANS = ("amean", "gmean", "hmean", "genmean")
PER_RUN = ("copeland", "topsis", "promethee")

__all__ = ["MEANS", "PER_RUN", "Tree", "aggregate_level"]


@dataclass(frozen=True)
class Tree:
    """One level of the tree as arrays: each child's parent (0..n_parents-1)."""

    parent: np.ndarray  # (children,) int

    @property
    def order(self) -> np.ndarray:
        """Children grouped by parent, tree order kept within each parent."""
        return np.argsort(self.parent, kind="stable")

    @property
    def starts(self) -> np.ndarray:
        """Where each parent's children start in `order`."""
        return np.searchsorted(self.parent[self.order], np.arange(self.parent.max() + 1))

    def group_sum(self, v: np.ndarray) -> np.ndarray:
        """Sum the last axis within each parent: (..., children) -> (..., parents)."""
        return np.add.reduceat(v[..., self.order], self.starts, axis=-1)

    def within_parent(self, raw: np.ndarray) -> np.ndarray:
        """Raw (runs x children) weights rescaled to sum to 1 within each parent, as
        `framework._build_levels` does (w / w.sum())."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return raw / self.group_sum(raw)[:, self.parent]

    def members(self, j: int) -> np.ndarray:
        return np.flatnonzero(self.parent == j)


def _refused(x: np.ndarray, method: str, p: float) -> np.ndarray | bool:
    """Which runs the aggregator would refuse (per run for per-run data, else one flag)."""
    if method == "gmean" or (method == "genmean" and p < 0):
        bad = np.nan_to_num(x, nan=1.0) <= 0
    elif method == "hmean":
        bad = np.nan_to_num(x, nan=1.0) == 0
    else:
        return False
    return bool(bad.any()) if x.ndim == 2 else bad.any(axis=(1, 2))


def _terms(x: np.ndarray, w: np.ndarray, method: str, p: float) -> np.ndarray:
    """Per (run, unit, child) the summand of the weighted mean, written as aggregate.py does."""
    if method == "amean":
        return x * w
    if method == "gmean":
        return w * np.log(x)
    if method == "hmean":
        return w / x
    return w * x**p


def _weighted_mean(x: np.ndarray, w: np.ndarray, tree: Tree, method: str,
                   p: float) -> np.ndarray:
    """COINr a_amean / a_gmean / a_hmean / a_genmean over the available children."""
    ok = ~np.isnan(x)
    xs = x[None, :, :] if x.ndim == 2 else x
    ws = w[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        num = tree.group_sum(np.where(ok, _terms(np.where(ok, xs, 1.0), ws, method, p), 0.0))
        den = tree.group_sum(np.where(ok, ws, 0.0))
        if method == "amean":
            return num / den
        if method == "gmean":
            return np.exp(num / den)
        if method == "hmean":
            return den / num
        return (num / den) ** (1.0 / p)


def _means(x: np.ndarray, w: np.ndarray, tree: Tree, method: str, params: Mapping[str, Any],
           dat_thresh: float | None) -> tuple[np.ndarray, np.ndarray]:
    p = float(params["p"]) if method == "genmean" else 1.0
    if method == "genmean" and p == 0:
        raise FrameworkError("The generalised mean with p = 0 is undefined.",
                             where="recipe, key 'aggregate_params'",
                             fix="Use the geometric mean (its limit), aggregate = \"gmean\".")
    scores = _weighted_mean(x, w, tree, method, p)
    present = tree.group_sum((~np.isnan(x)).astype(float))
    avail = np.broadcast_to(present / np.bincount(tree.parent), scores.shape)
    scores = np.where(avail == 0, np.nan, scores)
    if dat_thresh is not None:
        scores = np.where(avail < dat_thresh, np.nan, scores)
    refused = np.broadcast_to(np.asarray(_refused(x, method, p)), (w.shape[0],))
    return scores, refused.copy()


def _per_run(x: np.ndarray, w: np.ndarray, tree: Tree, method: str,
             params: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Copeland, TOPSIS or PROMETHEE II with the engine's functions, run by run and group by
    group (TOPSIS/PROMETHEE on units with complete rows, as `build_index` does)."""
    runs, parents = w.shape[0], int(tree.parent.max()) + 1
    scores = np.full((runs, x.shape[-2], parents), np.nan)
    p = dict(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in range(runs):
            xr = x if x.ndim == 2 else x[r]
            for j in range(parents):
                members = tree.members(j)
                xg, wg = xr[:, members], w[r, members]
                if method == "copeland":
                    scores[r, :, j] = aggregate_rows(xg, wg, "copeland", p)
                    continue
                complete = ~np.isnan(xg).any(axis=1)
                scores[r, complete, j] = topsis(xg[complete], wg) if method == "topsis" else \
                    promethee_ii(xg[complete], wg, kind=str(p.get("preference", "usual")),
                                 p=p.get("p"), q=p.get("q"), s=p.get("s"))
    return scores, np.zeros(runs, dtype=bool)


def aggregate_level(x: np.ndarray, w: np.ndarray, tree: Tree, method: str,
                    params: Mapping[str, Any], dat_thresh: float | None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Aggregate children into parents for every run.

    x: (units, children) shared by all runs, or (runs, units, children); w: (runs, children)
    weights summing to 1 within each parent. Returns the parents' scores (runs, units,
    parents) and which runs failed.
    """
    if method in MEANS:
        return _means(x, w, tree, method, params, dat_thresh)
    if method in PER_RUN:
        return _per_run(x, w, tree, method, params)
    raise FrameworkError(f"Unknown aggregation method {method!r}.",
                         where="recipe, key 'aggregate'",
                         fix=f"Use one of {', '.join((*MEANS, *PER_RUN))}.")
