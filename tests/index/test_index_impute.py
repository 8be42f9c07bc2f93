"""Imputation: COINr `test-impute_panel.R` anchors (METHODS.md §3.1) and group rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marketscout.errors import FrameworkError
from marketscout.index.impute import (
    fill_series,
    i_mean,
    i_mean_grp,
    i_median,
    i_median_grp,
    impute_frame,
    impute_panel,
)

NA = np.nan
PANEL = pd.DataFrame({
    "uCode": "A", "Time": [2020, 2021, 2022],
    "i1": [1.0, 2, 3], "i2": [3, NA, 5], "i3": [NA, 5, 6], "i4": [7, 8, NA],
})
COLS = ["i1", "i2", "i3", "i4"]


def test_panel_linear_anchor() -> None:
    out = impute_panel(PANEL, COLS, imp_type="linear")
    assert out["i1"].tolist() == [1, 2, 3]
    assert out["i2"].tolist() == [3, 4, 5]
    assert out["i3"].tolist() == [5, 5, 6]
    assert out["i4"].tolist() == [7, 8, 8]


def test_panel_constant_anchor() -> None:
    out = impute_panel(PANEL, COLS, imp_type="constant")
    assert out["i2"].tolist() == [3, 3, 5]
    assert out["i3"].tolist() == [5, 5, 6]
    assert out["i4"].tolist() == [7, 8, 8]


def test_panel_latest_keeps_leading_na_and_respects_max_time() -> None:
    t = np.array([1, 2, 3, 4])
    v = np.array([NA, 2.0, NA, NA])
    assert np.array_equal(fill_series(t, v, "latest"), [NA, 2, 2, 2], equal_nan=True)
    assert np.array_equal(fill_series(t, v, "latest", max_time=1), [NA, 2, 2, NA], equal_nan=True)


def test_panel_linear_constant_falls_back_with_one_point() -> None:
    t = np.array([1, 2, 3])
    assert fill_series(t, np.array([NA, 4.0, NA]), "linear-constant").tolist() == [4, 4, 4]
    assert fill_series(t, np.array([2.0, NA, 4.0]), "linear-constant").tolist() == [2, 3, 4]


def test_panel_interpolates_by_time_value_and_per_unit() -> None:
    data = pd.DataFrame({"uCode": ["A", "A", "A", "B", "B"], "Time": [2010, 2011, 2014, 2010, 2011],
                         "x": [0.0, NA, 8.0, 1.0, NA]})
    out = impute_panel(data, ["x"], imp_type="linear")
    assert out["x"].tolist() == [0, 2, 8, 1, 1]


def test_column_imputers() -> None:
    x = np.array([1.0, NA, 3.0, 10.0])
    assert i_mean(x).tolist() == [1, 14 / 3, 3, 10]
    assert i_median(x).tolist() == [1, 3, 3, 10]


def test_group_imputers_leave_ungrouped_units() -> None:
    x = np.array([1.0, NA, 3.0, NA, 5.0, NA])
    groups = np.array(["a", "a", "b", None, "b", "b"], dtype=object)
    assert np.array_equal(i_mean_grp(x, groups), [1, 1, 3, NA, 5, 4], equal_nan=True)
    assert np.array_equal(i_median_grp(x, groups), [1, 1, 3, NA, 5, 4], equal_nan=True)


def test_impute_frame_needs_groups() -> None:
    frame = pd.DataFrame({"x": [1.0, NA]})
    with pytest.raises(FrameworkError, match="group"):
        impute_frame(frame, "mean_group")
