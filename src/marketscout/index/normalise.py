"""Normalisation (COINr `R/normalise.R`, the `n_*` family) and its application to a frame.

As in COINr `Normalise`, each indicator is first multiplied by its Direction (+1/-1), so that
after normalisation higher always means better; then the `n_*` function runs on that column.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from marketscout.errors import FrameworkError


def n_minmax(x: np.ndarray, l_u: Sequence[float] = (0.0, 100.0)) -> np.ndarray:
    """(x - min)/(max - min) * (u - l) + l; NaN with a warning when the range is 0."""
    v = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(v), np.nanmax(v)
    if lo == hi:
        warnings.warn("The range of x is 0: returning NaN.", stacklevel=2)
        return np.full_like(v, np.nan)
    return (v - lo) / (hi - lo) * (l_u[1] - l_u[0]) + l_u[0]


def n_zscore(x: np.ndarray, m_sd: Sequence[float] = (0.0, 1.0)) -> np.ndarray:
    """(x - mean)/sd * sd_target + mean_target, with the sample sd (n - 1) as R's `sd`."""
    v = np.asarray(x, dtype=float)
    return (v - np.nanmean(v)) / np.nanstd(v, ddof=1) * m_sd[1] + m_sd[0]


def n_scaled(x: np.ndarray, npara: Sequence[float] = (0.0, 100.0),
             scale_factor: float = 100.0) -> np.ndarray:
    """(x - l)/(u - l) * scale_factor: GII-style scaling between fixed bounds."""
    v = np.asarray(x, dtype=float)
    return (v - npara[0]) / (npara[1] - npara[0]) * scale_factor


def n_goalposts(x: np.ndarray, gposts: Sequence[float], direction: int = 1,
                trunc2posts: bool = True) -> np.ndarray:
    """(x - l)/(u - l) (or (x - u)/(l - u) when direction is -1), truncated to [0, 1], * scale."""
    v = np.asarray(x, dtype=float)
    lo, hi, scale = gposts
    y = (v - hi) / (lo - hi) if direction == -1 else (v - lo) / (hi - lo)
    if trunc2posts:
        y = np.clip(y, 0.0, 1.0)
    return y * scale


def n_dist2max(x: np.ndarray) -> np.ndarray:
    """1 - (max - x)/(max - min): closeness to the best performer, in [0, 1]."""
    v = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(v), np.nanmax(v)
    if lo == hi:
        warnings.warn("The range of x is 0: returning NaN.", stacklevel=2)
        return np.full_like(v, np.nan)
    return 1 - (hi - v) / (hi - lo)


def n_dist2ref(x: np.ndarray, iref: int, cap_max: bool = False) -> np.ndarray:
    """1 - (x_ref - x)/(x_ref - min), x_ref = x[iref] (0-based here; COINr's iref is 1-based)."""
    v = np.asarray(x, dtype=float)
    ref = v[iref]
    if np.isnan(ref):
        warnings.warn("The reference value is NaN: returning NaN.", stacklevel=2)
    y = 1 - (ref - v) / (ref - np.nanmin(v))
    return np.where(cap_max & (y > 1), 1.0, y)


def n_dist2targ(x: np.ndarray, targ: float, direction: int = 1,
                cap_max: bool = False) -> np.ndarray:
    """(x - min)/(targ - min), or (max - x)/(max - targ) for direction -1; optional cap at 1."""
    v = np.asarray(x, dtype=float)
    if direction == 1:
        y = (v - np.nanmin(v)) / (targ - np.nanmin(v))
    elif direction == -1:
        y = (np.nanmax(v) - v) / (np.nanmax(v) - targ)
    else:
        raise FrameworkError(f"The dist2targ direction must be 1 or -1, got {direction!r}.",
                             where="n_dist2targ, direction",
                             fix="Use the indicator's Direction from iMeta (1 or -1).")
    return np.where(cap_max & (y > 1), 1.0, y)


def n_fracmax(x: np.ndarray) -> np.ndarray:
    """x / max: each value as a fraction of the best."""
    v = np.asarray(x, dtype=float)
    return v / np.nanmax(v)


def n_rank(x: np.ndarray) -> np.ndarray:
    """Ascending rank, ties "min", NaN kept (R `rank(ties.method = "min", na.last = "keep")`)."""
    return pd.Series(np.asarray(x, dtype=float)).rank(method="min").to_numpy()


def n_prank(x: np.ndarray) -> np.ndarray:
    """Percentile rank (rank - 1)/(n_nonNA - 1)."""
    r = n_rank(x)
    return (r - 1) / (np.count_nonzero(~np.isnan(r)) - 1)


def n_borda(x: np.ndarray) -> np.ndarray:
    """Borda score rank - 1 (sums of these are Borda counts)."""
    return n_rank(x) - 1


def _param(params: Mapping[str, Any], key: str, icode: str, default: Any = None) -> Any:
    """A parameter, possibly given per indicator as a mapping iCode -> value."""
    value = params.get(key, default)
    if isinstance(value, Mapping):
        if icode not in value:
            raise FrameworkError(f"normalise_params.{key} has no entry for indicator '{icode}'.",
                                 where=f"recipe, key 'normalise_params.{key}'",
                                 fix="Give a value for every indicator, or one value for all.")
        return value[icode]
    return value


def _required(params: Mapping[str, Any], key: str, icode: str, method: str) -> Any:
    value = _param(params, key, icode)
    if value is None:
        raise FrameworkError(f"Normalisation '{method}' needs the parameter '{key}'.",
                             where=f"recipe, key 'normalise_params.{key}'",
                             fix=f"Add [normalise_params] {key} = ... to the recipe.")
    return value


def _column_normaliser(method: str, params: Mapping[str, Any], icode: str, direction: float,
                       ref_pos: int | None) -> Callable[[np.ndarray], np.ndarray]:
    """The n_* call for one indicator, with its parameters resolved (directions already applied)."""
    simple: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "dist2max": n_dist2max, "fracmax": n_fracmax, "rank": n_rank, "prank": n_prank,
        "borda": n_borda,
    }
    if method in simple:
        return simple[method]
    if method == "minmax":
        l_u = _param(params, "range", icode, (0.0, 100.0))
        return lambda v: n_minmax(v, l_u)
    if method == "zscore":
        m_sd = _param(params, "mean_sd", icode, (0.0, 1.0))
        return lambda v: n_zscore(v, m_sd)
    if method == "scaled":
        npara = _required(params, "npara", icode, method)
        factor = float(_param(params, "scale_factor", icode, 100.0))
        return lambda v: n_scaled(v, npara, factor)
    if method == "goalposts":
        lo, hi, scale = _required(params, "gposts", icode, method)
        # COINr iMeta convention: data arrive multiplied by Direction, so flip the posts too
        posts = (-hi, -lo, scale) if direction == -1 else (lo, hi, scale)
        trunc = bool(_param(params, "trunc2posts", icode, True))
        return lambda v: n_goalposts(v, posts, 1, trunc)
    if method == "dist2targ":
        targ = float(_required(params, "targ", icode, method)) * direction  # as COINr iMeta
        cap = bool(_param(params, "cap_max", icode, False))
        return lambda v: n_dist2targ(v, targ, 1, cap)
    if method == "dist2ref":
        if ref_pos is None:
            raise FrameworkError("Normalisation 'dist2ref' needs the reference unit.",
                                 where="recipe, key 'normalise_params.ref'",
                                 fix="Add [normalise_params] ref = \"<uCode>\".")
        cap = bool(_param(params, "cap_max", icode, False))
        return lambda v: n_dist2ref(v, ref_pos, cap)
    raise FrameworkError(f"Unknown normalisation method {method!r}.",
                         where="recipe, key 'normalise'",
                         fix="See docs/index-engine.md for the methods.")


def normalise_frame(frame: pd.DataFrame, directions: np.ndarray, method: str,
                    params: Mapping[str, Any], units: Sequence[str] | None = None) -> pd.DataFrame:
    """Normalise every indicator column: multiply by Direction, then apply the `n_*` method."""
    ref_pos = None
    if method == "dist2ref":
        ref_pos = _reference_position(params, units)
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        for icode, direction in zip(frame.columns, directions, strict=True):
            fn = _column_normaliser(method, params, str(icode), float(direction), ref_pos)
            out[icode] = fn(frame[icode].to_numpy(dtype=float) * direction)
    return pd.DataFrame(out, index=frame.index)


def _reference_position(params: Mapping[str, Any], units: Sequence[str] | None) -> int | None:
    ref = params.get("ref")
    if ref is None:
        return None
    codes = list(units or [])
    if str(ref) not in codes:
        raise FrameworkError(f"The dist2ref reference unit '{ref}' is not among the units.",
                             where="recipe, key 'normalise_params.ref'",
                             fix="Use a uCode present in iData (and not screened out).")
    return codes.index(str(ref))
