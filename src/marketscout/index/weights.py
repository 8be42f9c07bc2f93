"""Weights: equal, PCA (COINr `get_PCA`), and AHP (Saaty) with its consistency ratio."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marketscout.errors import FrameworkError

# Saaty's random consistency indices by matrix size (Saaty 1980); n = 1, 2 are consistent.
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
            10: 1.49}


def equal_weights(n: int) -> np.ndarray:
    """n equal weights summing to 1."""
    return np.full(n, 1.0 / n)


def pca_weights(x: np.ndarray) -> np.ndarray:
    """First principal-component loadings of the standardised columns, as COINr `get_PCA`.

    Rows with any NaN are dropped (`prcomp` after `na.omit`); the sign is fixed so the loadings
    sum to a positive number (the sign of a PC is arbitrary). Loadings are unit-length.
    """
    data = np.asarray(x, dtype=float)
    data = data[~np.isnan(data).any(axis=1)]
    if data.shape[1] == 1:
        return np.ones(1)
    if data.shape[0] < 2:
        raise FrameworkError("PCA weights need at least two units with complete data.",
                             where="recipe, key 'weighting'",
                             fix="Impute missing values first, or use given or equal weights.")
    sd = data.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise FrameworkError("PCA weights cannot use a constant indicator (zero variance).",
                             where="recipe, key 'weighting'",
                             fix="Drop the constant indicator, or use given or equal weights.")
    z = (data - data.mean(axis=0)) / sd
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    loadings = vt[0]
    return -loadings if loadings.sum() < 0 else loadings


@dataclass(frozen=True)
class AHPResult:
    """AHP weights with Saaty's consistency measures (accept when CR <= 0.10)."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float


def ahp_weights(matrix: np.ndarray) -> AHPResult:
    """Principal right eigenvector of a reciprocal pairwise matrix, CI and CR (Saaty RI)."""
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if a.shape != (n, n) or np.any(a <= 0) or not np.allclose(a * a.T, 1.0, rtol=1e-6):
        raise FrameworkError(
            "An AHP matrix must be square, positive and reciprocal (a_ji = 1/a_ij).",
            where="recipe, key 'weighting_params'",
            fix="Write the upper triangle on Saaty's 1-9 scale and its reciprocals below.",
        )
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lam = float(values[k].real)
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = SAATY_RI.get(n, 1.49)
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(weights=w, lambda_max=lam, ci=ci, cr=cr)
