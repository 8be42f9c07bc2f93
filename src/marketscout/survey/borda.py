"""The weighted Borda count that turns survey answers into the `survey` criterion (pure)."""

from __future__ import annotations

import pandas as pd

from marketscout.errors import InputError


def points(position: pd.Series, k: int) -> pd.Series:
    """Borda points of a market named at `position` in a list of at most k: k + 1 - position.

    The first market earns k, the k-th earns 1; a market an association did not name earns 0.
    """
    if k < 1:
        raise InputError(f"The number of markets per answer must be at least 1, not {k}.",
                         fix="Give the round's maximum markets per answer (K) as 1 or more.")
    beyond = position[(position < 1) | (position > k)]
    if not beyond.empty:
        raise InputError(f"Position {int(beyond.iloc[0])} is outside 1..{k}.",
                         fix=f"Every answer names at most {k} markets, numbered from 1.")
    return (k + 1 - position).astype(float)


def weighted_borda(answers: pd.DataFrame, k: int) -> pd.Series:
    """Weighted mean Borda points per market over the associations that answered.

    `answers` has one row per named market: association, market, position and (optionally)
    weight, the association's weight (1 when absent). The score of market m is
    sum_a w_a * (k + 1 - p_am) / sum_a w_a, the sums over responding associations a, with
    p_am the position a gave m (and 0 points where a did not name m). So the score lies in
    0..k: k when every association put m first.
    """
    if answers.empty:
        return pd.Series(dtype=float, name="score").rename_axis("market")
    frame = answers.copy()
    if "weight" not in frame.columns:
        frame["weight"] = 1.0
    weights = frame.groupby("association")["weight"].first()
    if (weights <= 0).any() or weights.isna().any():
        bad = weights[(weights <= 0) | weights.isna()].index[0]
        raise InputError(f"Association {bad!r} has weight {weights[bad]}, not above 0.",
                         fix="Give every association a weight above 0 (1 by default).")
    frame["weighted"] = points(frame["position"], k) * frame["weight"]
    scores = frame.groupby("market")["weighted"].sum() / float(weights.sum())
    return scores.rename("score").rename_axis("market").sort_values(ascending=False)


def summary(answers: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per market: weighted Borda score, how many associations named it and put it first."""
    scores = weighted_borda(answers, k)
    if scores.empty:
        return pd.DataFrame(columns=["market", "score", "named_by", "first_by"])
    named = answers.groupby("market")["association"].nunique()
    first = answers[answers["position"] == 1].groupby("market")["association"].nunique()
    out = pd.DataFrame({"score": scores, "named_by": named, "first_by": first})
    out = out.fillna({"first_by": 0}).astype({"named_by": int, "first_by": int})
    out = out.rename_axis("market").reset_index()
    return out.sort_values(["score", "named_by", "market"], ascending=[False, False, True],
                           ignore_index=True)
