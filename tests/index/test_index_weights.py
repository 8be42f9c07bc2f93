"""Weights: the AHP anchor (METHODS.md §5.3), equal weights and COINr-style PCA weights."""

from __future__ import annotations

import numpy as np
import pytest

from marketscout.errors import FrameworkError
from marketscout.index.weights import ahp_weights, equal_weights, pca_weights


def test_ahp_anchor() -> None:
    result = ahp_weights(np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]))
    assert result.weights == pytest.approx([0.6370, 0.2583, 0.1047], abs=1e-4)
    assert result.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert result.ci == pytest.approx(0.0193, abs=1e-4)
    assert result.cr == pytest.approx(0.0332, abs=1e-4)


def test_ahp_consistent_matrix() -> None:
    w = np.array([0.5, 0.3, 0.2])
    result = ahp_weights(w[:, None] / w[None, :])
    assert result.weights == pytest.approx(w)
    assert result.cr == pytest.approx(0, abs=1e-9)


def test_ahp_rejects_non_reciprocal() -> None:
    with pytest.raises(FrameworkError, match="reciprocal"):
        ahp_weights(np.array([[1, 3], [3, 1]]))


def test_equal_weights() -> None:
    assert equal_weights(4).tolist() == [0.25] * 4


def test_pca_weights_sign_and_unit_length() -> None:
    rng = np.random.default_rng(3)
    f = rng.normal(size=50)
    X = np.column_stack([f + 0.1 * rng.normal(size=50), -(f + 0.1 * rng.normal(size=50)),
                         f + 0.1 * rng.normal(size=50)])
    w = pca_weights(X)
    assert w.sum() > 0
    assert np.linalg.norm(w) == pytest.approx(1)
    assert w[1] < 0 < w[0]  # the reversed indicator loads with the opposite sign


def test_pca_drops_incomplete_rows_and_needs_two() -> None:
    X = np.array([[1.0, 2.0], [np.nan, 1.0], [3.0, 5.0], [2.0, 2.5]])
    assert pca_weights(X) == pytest.approx(pca_weights(X[[0, 2, 3]]))
    with pytest.raises(FrameworkError, match="two units"):
        pca_weights(np.array([[1.0, 2.0], [np.nan, 1.0]]))
