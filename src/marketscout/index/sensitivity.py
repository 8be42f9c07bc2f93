"""Variance-based sensitivity indices from a Saltelli design (COINr `SA_sample`/`SA_estimate`).

The design has N(d+2) rows in the order [A; B; A_B^(1); ...; A_B^(d)], where A_B^(i) is A with
column i taken from B (METHODS.md §3.6). First-order indices use the Saltelli (2010) estimator,
total-order indices the Jansen estimator, both divided by V = var([y_A, y_B]) with the sample
(n-1) variance as R's `var` does. Bootstrap intervals resample the per-row terms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from marketscout.errors import InputError

__all__ = ["saltelli_design", "sobol_indices"]


def saltelli_design(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """Return the N(d+2) x d uniform design [A; B; A_B^(1); ...; A_B^(d)] (COINr `SA_sample`)."""
    if n < 2 or d < 1:
        raise InputError(
            f"a Saltelli design needs n >= 2 and d >= 1 (got n={n}, d={d})",
            fix="ask for more base samples, and vary at least one input",
        )
    base = rng.random((n, 2 * d))
    a, b = base[:, :d], base[:, d:]
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def _split(y: np.ndarray, n: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split design outputs into y_A (N), y_B (N) and y_AB (N x d)."""
    if y.ndim != 1 or y.size != n * (d + 2):
        raise InputError(
            f"expected {n * (d + 2)} outputs for a Saltelli design with n={n}, d={d}; "
            f"got an array of shape {y.shape}",
            fix="pass the outputs of all N(d+2) runs in design order",
        )
    y_a, y_b = y[:n], y[n : 2 * n]
    y_ab = y[2 * n :].reshape(d, n).T
    return y_a, y_b, y_ab


def _estimate(first: np.ndarray, total: np.ndarray, var: float) -> tuple[np.ndarray, np.ndarray]:
    """Si and STi from per-row terms (last-but-one axis = rows); NaN rows are dropped."""
    with np.errstate(invalid="ignore", divide="ignore"):
        si = np.nanmean(first, axis=-2) / var
        sti = np.nanmean(total, axis=-2) / (2.0 * var)
    return si, sti


def sobol_indices(
    y: np.ndarray,
    n: int,
    d: int,
    *,
    names: Sequence[str] | None = None,
    n_boot: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total-order (Jansen) indices of each input, with CIs.

    Rows whose outputs are NaN (failed runs) are left out of the estimate for the inputs they
    touch; `runs_used` counts the base rows kept per input. With `n_boot` > 0, columns Si_q5,
    Si_q95, STi_q5, STi_q95 hold bootstrap quantiles.
    """
    y_a, y_b, y_ab = _split(np.asarray(y, dtype=float), n, d)
    pooled = np.concatenate([y_a, y_b])
    pooled = pooled[np.isfinite(pooled)]
    var = float(np.var(pooled, ddof=1)) if pooled.size > 1 else float("nan")
    first = y_b[:, None] * (y_ab - y_a[:, None])  # Saltelli 2010 terms, N x d
    total = (y_a[:, None] - y_ab) ** 2  # Jansen terms, N x d
    si, sti = _estimate(first, total, var)
    frame = pd.DataFrame(
        {"input": list(names) if names is not None else [f"V{i + 1}" for i in range(d)],
         "Si": si, "STi": sti, "runs_used": np.isfinite(first).sum(axis=0)}
    )
    if n_boot > 0:
        rows = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
        si_b, sti_b = _estimate(first[rows], total[rows], var)  # n_boot x d
        for label, boot in (("Si", si_b), ("STi", sti_b)):
            frame[f"{label}_q5"] = np.nanquantile(boot, 0.05, axis=0)
            frame[f"{label}_q95"] = np.nanquantile(boot, 0.95, axis=0)
    frame.attrs["variance"] = var
    return frame
