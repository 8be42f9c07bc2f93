"""Who makes the list: ranks among the markets competing for the data's places, the share of
Monte Carlo runs in which a market makes it, and the tier that share gives.
"""

from __future__ import annotations

import numpy as np

PRECISION = 3  # P(on the list) is shown and tiered at this many decimals (0.1 %)


def pool_ranks(scores: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Per run (row) and market (column): 1 + the number of pool markets with a strictly
    higher score, so ties share the better rank (R's ties 'min'). A market outside the pool
    gets the rank it would have if it competed; NaN scores (failed runs) give NaN.

    Per run, the pool's scores are sorted once and each market's count of higher ones is a
    binary search (runs x units x log units, not runs x units x units comparisons)."""
    scores = np.asarray(scores, dtype=float)
    pool = np.asarray(pool, dtype=bool)
    rivals = np.sort(scores[:, pool], axis=1)  # NaN (a failed run's) last, never counted
    counted = (~np.isnan(rivals)).sum(axis=1)
    out = np.empty(scores.shape, dtype=float)
    for run, (row, n) in enumerate(zip(scores, counted, strict=True)):
        out[run] = 1.0 + (n - np.searchsorted(rivals[run, :n], row, side="right"))
    out[np.isnan(scores)] = np.nan
    return out


def selection_shares(scores: np.ndarray, pool: np.ndarray, slots: int) -> np.ndarray:
    """Per market, the share of (successful) runs in which its pool rank is within `slots`."""
    ranks = pool_ranks(scores, pool)
    valid = ~np.isnan(ranks)
    hits = (np.nan_to_num(ranks, nan=np.inf) <= slots) & valid
    counts = valid.sum(axis=0)
    return np.divide(hits.sum(axis=0), counts, out=np.zeros(ranks.shape[1]),
                     where=counts > 0)


def tier(p_top: float, thresholds: tuple[float, float, float]) -> str:
    """core / likely / watch from P(on the list); '' below watch.

    The probability is rounded to the precision it is shown with before it is compared, so
    a market shown with 90.0 % is never 'likely' because its unrounded share was 0.8996.
    """
    core, likely, watch = thresholds
    p = round(float(p_top), PRECISION)
    if p >= core:
        return "core"
    if p >= likely:
        return "likely"
    return "watch" if p >= watch else ""
