"""Outlier treatment (COINr `R/treat.R`): skew/kurtosis check, winsorisation, log transforms.

The rule: an indicator fails when |skew| >= skew_thresh AND kurt >= kurt_thresh. Failing
indicators are winsorised up to `winmax` points; if that is not enough, the second transform
is applied to the ORIGINAL values (COINr's default `combine_treat = FALSE`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class NAPass(Exception):  # noqa: N818 - the name COINr users know from the R loop's failure
    """The skew/kurtosis check returned NA (constant or too-short data): leave untreated."""


@dataclass(frozen=True)
class Treatment:
    """What happened to one indicator: the values and a line for the treatment log."""

    x: np.ndarray
    status: str          # passed | winsorised | f2 | failed | untreated
    nwin: int
    skew: float
    kurt: float
    points: tuple[str, ...]  # per value: "", "winhi", "winlo", or the f2 name


def skew(x: np.ndarray) -> float:
    """Sample-adjusted skewness G1 (e1071 type 2, Excel, pandas); NaN dropped, needs 3 points."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = len(v)
    if n < 3:
        return np.nan
    d = v - v.mean()
    m2 = np.sum(d**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.sqrt(n) * np.sum(d**3) / m2**1.5
    return float(g * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: np.ndarray) -> float:
    """Sample-adjusted excess kurtosis G2 (e1071 type 2, Excel, pandas); needs 4 points."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = len(v)
    if n < 4:
        return np.nan
    d = v - v.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * np.sum(d**4) / np.sum(d**2) ** 2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def check_skew_kurt(x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> bool:
    """COINr `check_SkewKurt`: pass if |skew| < skew_thresh OR kurt < kurt_thresh.

    Follows R's three-valued OR: one TRUE side passes; otherwise an NA side raises NAPass.
    """
    sk, kt = skew(x), kurt(x)
    a = None if np.isnan(sk) else abs(sk) < skew_thresh
    b = None if np.isnan(kt) else kt < kurt_thresh
    if a or b:
        return True
    if a is None or b is None:
        raise NAPass(f"skew/kurtosis is NA (skew={sk}, kurt={kt})")
    return False


def winsorise(x: np.ndarray, winmax: int | None = 5, skew_thresh: float = 2.0,
              kurt_thresh: float = 3.5,
              force_win: bool = False) -> tuple[np.ndarray, int, list[str]]:
    """COINr `winsorise`: replace the extreme value(s) by the next one until the check passes.

    Ties at the extreme move together and stay tied, so `nwin` re-counts all points at the
    treated extreme(s). Returns (values, nwin, per-point flags).
    """
    v = np.asarray(x, dtype=float).copy()
    passing = check_skew_kurt(v, skew_thresh, kurt_thresh)
    imax: np.ndarray = np.array([], dtype=int)
    imin: np.ndarray = np.array([], dtype=int)
    nwin = 0
    while (not passing or force_win) and (winmax is None or nwin < winmax):
        if skew(v) >= 0:
            imax = np.flatnonzero(v == np.nanmax(v))
            v[imax] = _extreme_excluding(v, imax, np.nanmax)
        else:
            imin = np.flatnonzero(v == np.nanmin(v))
            v[imin] = _extreme_excluding(v, imin, np.nanmin)
        nwin = len(imax) + len(imin)
        passing = check_skew_kurt(v, skew_thresh, kurt_thresh)
    flags = [""] * len(v)
    for i in imax:
        flags[i] = "winhi"
    for i in imin:
        flags[i] = "winlo"
    return v, nwin, flags


def _extreme_excluding(v: np.ndarray, idx: np.ndarray,
                       fn: Callable[[np.ndarray], float]) -> float:
    rest = np.delete(v, idx)
    rest = rest[~np.isnan(rest)]
    if not len(rest):
        raise NAPass("every value is at the extreme")
    return float(fn(rest))


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr `log_CT`: ln(x - min + 0.01 (max - min))."""
    v = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(v), np.nanmax(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(v - lo + 0.01 * (hi - lo))


def log_ct_orig(x: np.ndarray) -> np.ndarray:
    """COINr `log_CT_orig`: ln(x - min + 1)."""
    v = np.asarray(x, dtype=float)
    return np.log(v - np.nanmin(v) + 1)


def log_ct_plus(x: np.ndarray) -> np.ndarray:
    """COINr `log_CT_plus`: `log_CT` for positive skew, -ln(max + a - x) for negative skew."""
    v = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(v), np.nanmax(v)
    a = 0.01 * (hi - lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(v - lo + a) if skew(v) > 0 else -np.log(hi + a - v)


def boxcox(x: np.ndarray, lmbda: float = 0.5, makepos: bool = True) -> np.ndarray:
    """COINr `boxcox`: optional shift to min 1, then (x^lambda - 1)/lambda (log when lambda 0)."""
    v = np.asarray(x, dtype=float)
    if makepos:
        v = v - np.nanmin(v) + 1
    return np.log(v) if lmbda == 0 else (v**lmbda - 1) / lmbda


SECOND_STEP: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log_CT": log_ct, "log_CT_orig": log_ct_orig, "log_CT_plus": log_ct_plus, "log": np.log,
}


def treat(x: np.ndarray, *, winmax: int | None = 5, skew_thresh: float = 2.0,
          kurt_thresh: float = 3.5, f2: str = "log_CT", force_win: bool = False,
          combine_treat: bool = False, boxcox_lambda: float = 0.5) -> Treatment:
    """COINr `Treat.numeric` with the default specs: winsorise, then `f2` if still failing.

    An NA from the check (constant, binary or too-short data) returns x untreated with a
    warning, as COINr does.
    """
    v = np.asarray(x, dtype=float)
    try:
        if check_skew_kurt(v, skew_thresh, kurt_thresh):  # COINr checks before force_win
            return Treatment(v, "passed", 0, skew(v), kurt(v), ("",) * len(v))
        x1, nwin, flags = winsorise(v, winmax, skew_thresh, kurt_thresh, force_win)
        if check_skew_kurt(x1, skew_thresh, kurt_thresh) or f2 == "none":
            ok = check_skew_kurt(x1, skew_thresh, kurt_thresh)
            return Treatment(x1, "winsorised" if ok else "failed", nwin, skew(x1), kurt(x1),
                             tuple(flags))
        base = x1 if combine_treat else v  # COINr: f2 goes to the ORIGINAL x by default
        x2 = boxcox(base, boxcox_lambda) if f2 == "boxcox" else SECOND_STEP[f2](base)
        ok = check_skew_kurt(x2, skew_thresh, kurt_thresh)
        points = tuple(f"{flag}+{f2}" if combine_treat and flag else f2 for flag in flags)
        return Treatment(x2, "f2" if ok else "failed", nwin, skew(x2), kurt(x2), points)
    except NAPass as exc:
        warnings.warn(f"Skew/kurtosis check returned NA ({exc}); returning untreated values.",
                      stacklevel=2)
        return Treatment(v, "untreated", 0, skew(v), kurt(v), ("",) * len(v))
