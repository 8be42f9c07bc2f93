"""Aggregation: COINr `test-aggregate.R` and vignette anchors (METHODS.md §3.5)."""

from __future__ import annotations

import numpy as np
import pytest

from marketscout.errors import FrameworkError
from marketscout.index.aggregate import (
    a_amean,
    a_copeland,
    a_genmean,
    a_gmean,
    a_hmean,
    aggregate_rows,
    amean_rows,
    outrank_matrix,
)

NA = np.nan


def test_gmean_anchor() -> None:
    assert a_gmean(np.array([1.0, 2, 3])) == pytest.approx(6 ** (1 / 3))
    assert a_gmean(np.array([1.0, 2, 3]), np.array([1.0, 1, 2])) == pytest.approx(
        (1 * 2 * 3**2) ** (1 / 4))


def test_gmean_rejects_non_positive() -> None:
    with pytest.raises(FrameworkError, match="strictly positive"):
        a_gmean(np.array([1.0, 0.0, 3.0]))


def test_hmean_anchor() -> None:
    assert a_hmean(np.array([1.0, 2, 3]), np.array([2.0, 1, 1])) == pytest.approx(
        4 / (2 / 1 + 1 / 2 + 1 / 3))


def test_genmean_anchor() -> None:
    x, w = np.array([1.0, 2, 3]), np.array([2.0, 1, 1])
    assert a_genmean(x, w, p=-1) == pytest.approx(a_hmean(x, w))
    assert a_genmean(np.array([1.0, 2, 3]), p=1) == pytest.approx(2)
    with pytest.raises(FrameworkError, match="p = 0"):
        a_genmean(x, w, p=0)


def test_amean_reweights_over_available_and_all_na() -> None:
    assert a_amean(np.array([1.0, NA, 3.0]), np.array([1.0, 5.0, 3.0])) == pytest.approx(2.5)
    assert np.isnan(a_amean(np.array([NA, NA]), np.array([1.0, 1.0])))


def test_outranking_anchor() -> None:
    # columns x1 = 1:4, x2 = (3,2,1,5), x3 = (2,3,1,4); rows are units
    X = np.array([[1, 3, 2], [2, 2, 3], [3, 1, 1], [4, 5, 4]], dtype=float)
    out = outrank_matrix(X, np.ones(3))
    assert out.matrix[1, 0] == pytest.approx(2 / 3)
    assert out.matrix[2, 0] == pytest.approx(1 / 3)
    assert out.matrix[3, 0] == pytest.approx(1)
    assert out.n_dominant == 3
    assert out.frac_dominant == pytest.approx(0.5)


def test_copeland_anchor() -> None:
    assert a_copeland(np.array([[1.0, 2.0], [2.0, 1.0]])).tolist() == [0, 0]


def test_copeland_orders_dominant_units() -> None:
    scores = a_copeland(np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]))
    assert scores.tolist() == [-2, 0, 2]


def test_dat_thresh_anchor() -> None:
    X = np.array([[1, 3, 1], [2, NA, NA], [3, NA, 1]], dtype=float)
    out = aggregate_rows(X, np.ones(3), "amean", dat_thresh=2 / 3)
    assert out == pytest.approx([1.6667, NA, 2.0], abs=1e-4, nan_ok=True)


def test_rows_match_vector_functions() -> None:
    X = np.array([[1.0, 2.0, NA], [4.0, 5.0, 6.0]])
    w = np.array([1.0, 2.0, 3.0])
    assert amean_rows(X, w) == pytest.approx([a_amean(X[0], w), a_amean(X[1], w)])
    assert aggregate_rows(X, w, "gmean") == pytest.approx([a_gmean(X[0], w), a_gmean(X[1], w)])


def test_copeland_with_missing_values_ignores_unit_order() -> None:
    X = np.array([[1.9, NA], [0.0, 0.0], [0.0, 0.0]])
    scores = a_copeland(X)
    flipped = a_copeland(X[::-1])[::-1]
    assert scores.tolist() == flipped.tolist()
    assert scores[1] == scores[2]
