"""Outlier treatment: anchors from METHODS.md §3.2, §4.3 and §6 row 3 (COINr tests and vignette)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marketscout.index.treat import (
    NAPass,
    boxcox,
    check_skew_kurt,
    kurt,
    log_ct,
    log_ct_orig,
    log_ct_plus,
    skew,
    treat,
    winsorise,
)

X12 = np.array([*range(1, 11), 30, 100], dtype=float)


def test_skew_kurt_anchor() -> None:
    assert skew(X12) == pytest.approx(3.063241, abs=1e-6)
    assert kurt(X12) == pytest.approx(9.741391, abs=1e-6)


def test_skew_kurt_equal_pandas() -> None:
    x = np.random.default_rng(1).lognormal(size=40)
    assert skew(x) == pytest.approx(pd.Series(x).skew())
    assert kurt(x) == pytest.approx(pd.Series(x).kurt())


def test_skew_kurt_drop_nan() -> None:
    assert skew(np.r_[X12, np.nan]) == pytest.approx(3.063241, abs=1e-6)


def test_winsorised_anchor() -> None:
    x, nwin, _ = winsorise(X12)
    assert nwin == 1
    assert skew(x) == pytest.approx(1.712038, abs=1e-6)
    assert kurt(x) == pytest.approx(1.815781, abs=1e-6)


def test_one_outlier_winsorised_to_ten_and_passes() -> None:
    x = np.array([*range(1, 11), 100], dtype=float)
    assert not check_skew_kurt(x)
    t = treat(x, winmax=5)
    assert t.x[-1] == 10
    assert np.array_equal(t.x[:10], x[:10])
    assert t.status == "winsorised"
    assert check_skew_kurt(t.x)


def test_winmax_one_still_fails() -> None:
    x = np.array([*range(1, 21), 100, 200], dtype=float)
    t = treat(x, winmax=1, f2="none")
    assert not check_skew_kurt(t.x)
    assert t.status == "failed"


def test_f2_log_applies_to_original() -> None:
    x = np.array([*range(1, 21), 100, 200], dtype=float)
    t = treat(x, winmax=1, f2="log")
    assert np.allclose(t.x, np.log(x))


def test_f2_log_ct_on_original_not_winsorised() -> None:
    x = np.array([*range(1, 21), 100, 200], dtype=float)
    t = treat(x, winmax=1)  # default f2 = log_CT
    assert np.allclose(t.x, np.log(x - 1 + 0.01 * 199))


def test_force_win_changes_exactly_three_points() -> None:
    x = np.array([*range(1, 21), 100, 200], dtype=float)
    t = treat(x, winmax=3, force_win=True, f2="none")
    assert sum(p != "" for p in t.points) == 3
    assert np.count_nonzero(t.x != x) == 3


def test_ties_at_extreme_move_together_and_count() -> None:
    x = np.array([*range(1, 19), 100, 100], dtype=float)
    v, nwin, flags = winsorise(x)
    assert nwin == 2
    assert v[-1] == v[-2] == 18
    assert flags[-2:] == ["winhi", "winhi"]


def test_negative_skew_winsorises_low_end() -> None:
    x = -np.array([*range(1, 11), 100], dtype=float)
    v, nwin, flags = winsorise(x)
    assert v[-1] == -10 and nwin == 1 and flags[-1] == "winlo"


def test_na_check_returns_untreated_with_warning() -> None:
    x = np.array([5.0, 5.0, 5.0, 5.0, 5.0])
    with pytest.raises(NAPass):
        check_skew_kurt(x)
    with pytest.warns(UserWarning, match="untreated"):
        t = treat(x)
    assert t.status == "untreated"
    assert np.array_equal(t.x, x)


def test_log_transforms() -> None:
    x = np.array([1.0, 2.0, 11.0])
    assert np.allclose(log_ct(x), np.log(x - 1 + 0.1))
    assert np.allclose(log_ct_orig(x), np.log(x))
    assert np.allclose(log_ct_plus(x), np.log(x - 1 + 0.1))
    neg = np.array([-11.0, -2.0, -1.0])
    assert np.allclose(log_ct_plus(neg), -np.log(-1 + 0.1 - neg))


def test_boxcox() -> None:
    x = np.array([0.0, 3.0])
    assert np.allclose(boxcox(x, 0.0), np.log([1.0, 4.0]))
    assert np.allclose(boxcox(x, 2.0), ([1.0, 16.0] - np.ones(2)) / 2)
