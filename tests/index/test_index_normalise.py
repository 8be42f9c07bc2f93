"""Normalisation: COINr `test-normalise.R` anchors (METHODS.md §3.3) and the direction rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marketscout.errors import FrameworkError
from marketscout.index.normalise import (
    n_borda,
    n_dist2max,
    n_dist2ref,
    n_dist2targ,
    n_fracmax,
    n_goalposts,
    n_minmax,
    n_prank,
    n_rank,
    n_scaled,
    n_zscore,
    normalise_frame,
)


def test_goalposts_anchor() -> None:
    assert n_goalposts(np.array([1.0]), (0, 10, 1))[0] == pytest.approx(0.1)
    assert n_goalposts(np.array([11.0]), (0, 10, 1))[0] == 1
    assert n_goalposts(np.array([-1.0]), (0, 10, 1))[0] == 0


def test_goalposts_negative_direction_anchor() -> None:
    y = n_goalposts(np.array([1.0, -1.0, 11.0]), (0, 10, 1), direction=-1)
    assert y == pytest.approx([0.9, 1.0, 0.0])


def test_dist2targ_anchor() -> None:
    assert n_dist2targ(np.array([0.0, 5, 11]), 10) == pytest.approx([0, 0.5, 1.1])
    assert n_dist2targ(np.array([0.0, 5, 11]), 10, cap_max=True) == pytest.approx([0, 0.5, 1])


def test_dist2targ_negative_direction_anchor() -> None:
    x = np.array([-1.0, 1, 10])
    assert n_dist2targ(x, 0, direction=-1) == pytest.approx([1.1, 0.9, 0])
    assert n_dist2targ(x, 0, direction=-1, cap_max=True) == pytest.approx([1, 0.9, 0])


def test_minmax_and_constant_warning() -> None:
    assert n_minmax(np.array([2.0, 4, np.nan, 6])) == pytest.approx([0, 50, np.nan, 100],
                                                                     nan_ok=True)
    assert n_minmax(np.array([2.0, 4, 6]), (1, 100)) == pytest.approx([1, 50.5, 100])
    with pytest.warns(UserWarning, match="range"):
        assert np.isnan(n_minmax(np.array([3.0, 3.0]))).all()


def test_zscore_uses_sample_sd() -> None:
    x = np.array([1.0, 2, 3, 4])
    expected = (x - 2.5) / pd.Series(x).std()
    assert n_zscore(x) == pytest.approx(expected)
    assert n_zscore(x, (10, 2)) == pytest.approx(expected * 2 + 10)


def test_other_normalisers() -> None:
    x = np.array([2.0, 4.0, 4.0, 10.0])
    assert n_scaled(x, (0, 20)) == pytest.approx([10, 20, 20, 50])
    assert n_dist2max(x) == pytest.approx([0, 0.25, 0.25, 1])
    assert n_dist2ref(x, 1) == pytest.approx([0, 1, 1, 4])
    assert n_dist2ref(x, 1, cap_max=True) == pytest.approx([0, 1, 1, 1])
    assert n_fracmax(x) == pytest.approx([0.2, 0.4, 0.4, 1])


def test_ranks_ties_min_keep_na() -> None:
    x = np.array([3.0, 1.0, np.nan, 3.0, 2.0])
    assert np.array_equal(n_rank(x), [3, 1, np.nan, 3, 2], equal_nan=True)
    assert np.array_equal(n_borda(x), [2, 0, np.nan, 2, 1], equal_nan=True)
    assert np.array_equal(n_prank(x), [2 / 3, 0, np.nan, 2 / 3, 1 / 3], equal_nan=True)


def test_direction_applied_before_normalising() -> None:
    frame = pd.DataFrame({"good": [1.0, 2, 3], "bad": [1.0, 2, 3]})
    out = normalise_frame(frame, np.array([1, -1]), "minmax", {"range": (0, 100)})
    assert out["good"].tolist() == [0, 50, 100]
    assert out["bad"].tolist() == [100, 50, 0]


def test_goalposts_in_natural_units_for_negative_direction() -> None:
    frame = pd.DataFrame({"cost": [0.0, 2.5, 10.0]})
    out = normalise_frame(frame, np.array([-1]), "goalposts", {"gposts": (0, 10, 100)})
    assert out["cost"].tolist() == pytest.approx([100, 75, 0])


def test_dist2targ_target_in_natural_units_for_negative_direction() -> None:
    frame = pd.DataFrame({"cost": [8.0, 5.0, 2.0]})
    out = normalise_frame(frame, np.array([-1]), "dist2targ", {"targ": 2.0})
    assert out["cost"].tolist() == pytest.approx([0, 0.5, 1])


def test_per_indicator_parameters_and_missing_entry() -> None:
    frame = pd.DataFrame({"a": [0.0, 5.0], "b": [0.0, 5.0]})
    params = {"gposts": {"a": (0, 10, 1), "b": (0, 5, 1)}}
    out = normalise_frame(frame, np.array([1, 1]), "goalposts", params)
    assert out["a"].tolist() == [0, 0.5] and out["b"].tolist() == [0, 1]
    with pytest.raises(FrameworkError, match="no entry for indicator 'b'"):
        normalise_frame(frame, np.array([1, 1]), "goalposts", {"gposts": {"a": (0, 10, 1)}})


def test_dist2ref_needs_known_reference_unit() -> None:
    frame = pd.DataFrame({"a": [1.0, 3.0, 5.0]})
    out = normalise_frame(frame, np.array([1]), "dist2ref", {"ref": "B"}, ["A", "B", "C"])
    assert out["a"].tolist() == [0, 1, 2]
    with pytest.raises(FrameworkError, match="reference unit 'Z'"):
        normalise_frame(frame, np.array([1]), "dist2ref", {"ref": "Z"}, ["A", "B", "C"])
