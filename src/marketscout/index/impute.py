"""Imputation of missing indicator values (COINr `R/impute.R`).

Column imputers fill each indicator with a statistic of that indicator across units; group
imputers use the statistic within a unit group (units whose group is missing stay untouched);
`impute_panel` fills each unit's time series.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from marketscout.errors import FrameworkError

PANEL_TYPES = ("latest", "constant", "linear", "linear-constant")


def i_mean(x: np.ndarray) -> np.ndarray:
    """Fill NaN with the mean of the non-missing values (COINr `i_mean`)."""
    return _fill(x, float(np.nanmean(x)) if np.isfinite(x).any() else np.nan)


def i_median(x: np.ndarray) -> np.ndarray:
    """Fill NaN with the median of the non-missing values (COINr `i_median`)."""
    return _fill(x, float(np.nanmedian(x)) if np.isfinite(x).any() else np.nan)


def _fill(x: np.ndarray, value: float) -> np.ndarray:
    out = np.asarray(x, dtype=float).copy()
    out[np.isnan(out)] = value
    return out


def i_mean_grp(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Fill NaN with the mean of the unit's group; units with no group stay NaN (`i_mean_grp`)."""
    return _by_group(x, groups, i_mean)


def i_median_grp(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Fill NaN with the median of the unit's group; ungrouped units stay NaN (`i_median_grp`)."""
    return _by_group(x, groups, i_median)


def _by_group(x: np.ndarray, groups: np.ndarray,
              imputer: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    out = np.asarray(x, dtype=float).copy()
    labels = pd.Series(groups, dtype=object)
    for label in labels.dropna().unique():
        mask = (labels == label).to_numpy()
        if np.isfinite(out[mask]).any():
            out[mask] = imputer(out[mask])
    return out


def impute_frame(frame: pd.DataFrame, method: str, groups: pd.Series | None = None) -> pd.DataFrame:
    """Apply a column imputer (`mean`, `median`, `mean_group`, `median_group`) to every column."""
    out = frame.astype(float).copy()
    for col in out.columns:
        x = out[col].to_numpy(dtype=float)
        if method == "mean":
            out[col] = i_mean(x)
        elif method == "median":
            out[col] = i_median(x)
        elif method in ("mean_group", "median_group"):
            if groups is None:
                raise FrameworkError(f"{method} imputation needs a group column.",
                                     where="impute_frame, groups",
                                     fix="Pass the units' groups (recipe key impute_group).")
            g = groups.to_numpy()
            out[col] = i_mean_grp(x, g) if method == "mean_group" else i_median_grp(x, g)
        elif method != "none":
            raise FrameworkError(f"Unknown imputation method {method!r}.",
                                 where="impute_frame, method",
                                 fix="Use none, mean, median, mean_group or median_group.")
    return out


def fill_series(times: np.ndarray, values: np.ndarray, imp_type: str = "latest",
                max_time: int | None = None) -> np.ndarray:
    """Fill one unit's time series (sorted by time) as COINr `impute_panel` does.

    `latest`: last observed value at most `max_time` steps back, leading NaN kept;
    `constant`/`linear`: R `approx(rule = 2)`; `linear-constant`: linear, constant if one point.
    """
    t = np.asarray(times, dtype=float)
    v = np.asarray(values, dtype=float)
    seen = ~np.isnan(v)
    if seen.all() or not seen.any():
        return v.copy()
    if imp_type == "latest":
        return _latest(v, max_time)
    if imp_type == "linear-constant":
        imp_type = "linear" if seen.sum() > 1 else "constant"
    if imp_type == "linear":
        return np.where(seen, v, np.interp(t, t[seen], v[seen]))
    if imp_type == "constant":
        return np.where(seen, v, _step(t, t[seen], v[seen]))
    raise _unknown_panel_type(imp_type)


def _unknown_panel_type(imp_type: str) -> FrameworkError:
    return FrameworkError(f"Unknown panel imputation type {imp_type!r}.",
                          where="impute_panel, imp_type",
                          fix=f"Use one of: {', '.join(PANEL_TYPES)}.")


def _latest(v: np.ndarray, max_time: int | None) -> np.ndarray:
    out = v.copy()
    last, last_pos = np.nan, -1
    for i, value in enumerate(v):
        if not np.isnan(value):
            last, last_pos = value, i
        elif last_pos >= 0 and (max_time is None or i - last_pos <= max_time):
            out[i] = last
    return out


def _step(t: np.ndarray, tk: np.ndarray, vk: np.ndarray) -> np.ndarray:
    """R `approx(method = "constant", f = 0, rule = 2)`: the last knot value at or before t."""
    idx = np.searchsorted(tk, t, side="right") - 1
    return vk[np.clip(idx, 0, len(vk) - 1)]


def impute_panel(data: pd.DataFrame, columns: list[str], *, imp_type: str = "latest",
                 max_time: int | None = None, unit_col: str = "uCode",
                 time_col: str = "Time") -> pd.DataFrame:
    """Fill each unit's indicator time series (COINr `impute_panel`); rows keep their order."""
    if imp_type not in PANEL_TYPES:
        raise _unknown_panel_type(imp_type)
    out = data.copy()
    for _, rows in data.groupby(unit_col, sort=False):
        ordered = rows.sort_values(time_col)
        times = ordered[time_col].to_numpy(dtype=float)
        for col in columns:
            filled = fill_series(times, ordered[col].to_numpy(dtype=float), imp_type, max_time)
            out.loc[ordered.index, col] = filled
    return out
