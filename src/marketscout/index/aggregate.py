"""Aggregation (COINr `R/aggregate.R`): weighted means, outranking and Copeland, row-wise.

Row-wise functions take a (units x components) matrix and relative weights; missing values
re-weight the available components (COINr default), an all-missing row gives NaN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from marketscout.errors import FrameworkError


def _masked(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The matrix, the weights broadcast to it with 0 where x is NaN, and the all-NaN rows."""
    m = np.atleast_2d(np.asarray(x, dtype=float))
    weights = np.broadcast_to(np.asarray(w, dtype=float), m.shape)
    ok = ~np.isnan(m)
    return m, np.where(ok, weights, 0.0), ~ok.any(axis=1)


def amean_rows(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean per row over non-missing entries (COINr `a_amean`)."""
    m, wm, empty = _masked(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.nansum(m * wm, axis=1) / wm.sum(axis=1)
    return np.where(empty, np.nan, out)


def gmean_rows(x: np.ndarray, w: np.ndarray, *, where: str = "aggregation") -> np.ndarray:
    """Weighted geometric mean per row, exp(sum w ln x / sum w) (COINr `a_gmean`)."""
    m, wm, empty = _masked(x, w)
    if np.any(m[~np.isnan(m)] <= 0):
        raise FrameworkError(
            "The geometric mean needs strictly positive values; found zero or negative ones.",
            where=where,
            fix="Normalise to a positive range first, e.g. minmax with range = [1, 100].",
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.exp(np.nansum(wm * np.log(m), axis=1) / wm.sum(axis=1))
    return np.where(empty, np.nan, out)


def hmean_rows(x: np.ndarray, w: np.ndarray, *, where: str = "aggregation") -> np.ndarray:
    """Weighted harmonic mean per row, sum w / sum (w/x) (COINr `a_hmean`; zeros are errors)."""
    m, wm, empty = _masked(x, w)
    if np.any(m[~np.isnan(m)] == 0):
        raise FrameworkError("The harmonic mean cannot use zero values.", where=where,
                             fix="Normalise to a positive range first, e.g. range = [1, 100].")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = wm.sum(axis=1) / np.nansum(wm / m, axis=1)
    return np.where(empty, np.nan, out)


def genmean_rows(x: np.ndarray, w: np.ndarray, p: float, *,
                 where: str = "aggregation") -> np.ndarray:
    """Weighted generalised (power) mean (sum w x^p / sum w)^(1/p) (COINr `a_genmean`).

    Unlike COINr (whose sum lacks na.rm, giving NA), missing values re-weight as in `a_amean`.
    """
    if p == 0:
        raise FrameworkError("The generalised mean with p = 0 is undefined.", where=where,
                             fix="Use the geometric mean (its limit), aggregate = \"gmean\".")
    m, wm, empty = _masked(x, w)
    if p < 0 and np.any(m[~np.isnan(m)] <= 0):
        raise FrameworkError("The generalised mean with negative p needs positive values.",
                             where=where, fix="Normalise to a positive range first.")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (np.nansum(wm * m**p, axis=1) / wm.sum(axis=1)) ** (1 / p)
    return np.where(empty, np.nan, out)


def a_amean(x: np.ndarray, w: np.ndarray) -> float:
    """COINr `a_amean` on one vector."""
    return float(amean_rows(np.asarray(x, dtype=float)[None, :], w)[0])


def a_gmean(x: np.ndarray, w: np.ndarray | None = None) -> float:
    """COINr `a_gmean` on one vector (equal weights by default)."""
    v = np.asarray(x, dtype=float)
    return float(gmean_rows(v[None, :], np.ones(len(v)) if w is None else w)[0])


def a_hmean(x: np.ndarray, w: np.ndarray | None = None) -> float:
    """COINr `a_hmean` on one vector (equal weights by default)."""
    v = np.asarray(x, dtype=float)
    return float(hmean_rows(v[None, :], np.ones(len(v)) if w is None else w)[0])


def a_genmean(x: np.ndarray, w: np.ndarray | None = None, p: float = 1.0) -> float:
    """COINr `a_genmean` on one vector (equal weights by default)."""
    v = np.asarray(x, dtype=float)
    return float(genmean_rows(v[None, :], np.ones(len(v)) if w is None else w, p)[0])


@dataclass(frozen=True)
class Outranking:
    """COINr `outrankMatrix` output: the matrix and the count and share of dominance pairs."""

    matrix: np.ndarray
    n_dominant: int
    frac_dominant: float


def outrank_matrix(x: np.ndarray, w: np.ndarray | None = None) -> Outranking:
    """Entry (a, b): weight share of components where a beats b, plus half the ties.

    Deliberate difference: COINr fills the lower triangle as 1 - upper, so with missing values
    the result depends on the order of the units; here both triangles are computed directly
    and a comparison with a missing value counts for neither unit. Equal without NaN.
    """
    m = np.asarray(x, dtype=float)
    n_units, n_ind = m.shape
    weights = np.ones(n_ind) if w is None else np.asarray(w, dtype=float)
    weights = weights / np.nansum(weights)
    a, b = m[:, None, :], m[None, :, :]
    orm = (np.where(a > b, weights, 0.0) + np.where(a == b, weights, 0.0) / 2).sum(axis=2)
    np.fill_diagonal(orm, 0.0)
    n_dom = int(np.sum(np.isclose(orm, 1.0)))
    pairs = (n_units**2 - n_units) / 2
    return Outranking(orm, n_dom, n_dom / pairs if pairs else np.nan)


def a_copeland(x: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Copeland scores: +1 per unit a outranks (entry > 0.5), -1 per unit it loses to, 0 ties.

    "Outranks" is judged as orm[a, b] > orm[b, a], which equals COINr's > 0.5 rule when no
    values are missing and stays independent of unit order when some are.
    """
    orm = outrank_matrix(x, w).matrix
    signs = np.sign(np.round(orm - orm.T, 12))
    np.fill_diagonal(signs, 0.0)
    return np.asarray(signs.sum(axis=1))


def apply_dat_thresh(x: np.ndarray, scores: np.ndarray, dat_thresh: float | None) -> np.ndarray:
    """NaN where a row's share of available components is below the threshold (COINr)."""
    if dat_thresh is None:
        return scores
    m = np.atleast_2d(np.asarray(x, dtype=float))
    avail = (~np.isnan(m)).sum(axis=1) / m.shape[1]
    return np.where(avail < dat_thresh, np.nan, scores)


def aggregate_rows(x: np.ndarray, w: np.ndarray, method: str,
                   params: Mapping[str, Any] | None = None, *, dat_thresh: float | None = None,
                   where: str = "aggregation") -> np.ndarray:
    """One group's scores by a named COINr aggregator, then the data-availability rule.

    Copeland works on the whole group at once (COINr `by_df`), so dat_thresh does not apply.
    """
    params = params or {}
    if method == "copeland":
        return a_copeland(x, w)
    if method == "amean":
        scores = amean_rows(x, w)
    elif method == "gmean":
        scores = gmean_rows(x, w, where=where)
    elif method == "hmean":
        scores = hmean_rows(x, w, where=where)
    elif method == "genmean":
        scores = genmean_rows(x, w, float(params["p"]), where=where)
    else:
        raise FrameworkError(f"Unknown aggregation method {method!r}.", where=where,
                             fix="Use amean, gmean, hmean, genmean or copeland.")
    return apply_dat_thresh(x, scores, dat_thresh)
