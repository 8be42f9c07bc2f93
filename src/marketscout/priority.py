"""The main job: criteria -> composite index (+ Monte Carlo robustness) -> the priority list.

Pure: takes computed criteria, returns a `PriorityList`. The CLI, web app and reports only
present it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from marketscout import countries
from marketscout.criteria import Criterion
from marketscout.errors import InputError
from marketscout.index.build import build_index
from marketscout.index.framework import framework_from_meta
from marketscout.index.recipe import Recipe
from marketscout.index.robustness import UncertaintySpec, prob_top, run_uncertainty

INDEX = "PRIORITY"

# Default method choices. Min-max onto 1-100 (not 0-100) keeps the geometric mean, one of
# the aggregation alternatives in the uncertainty analysis, defined (METHODS.md §7, gotcha 8).
# Winsorisation with COINr's defaults tames skewed money and count values (FDI, exports,
# joint projects) before normalisation.
DEFAULT_RECIPE = Recipe(
    treat="winsorise",
    normalise="minmax",
    normalise_params={"range": (1.0, 100.0)},
    aggregate="amean",
)
DEFAULT_SPEC = UncertaintySpec(weight_noise=0.25, aggregate_alternatives=("amean", "gmean"))


@dataclass(frozen=True)
class Options:
    """The user's choices for one priority list. Everything here is documented and configurable."""

    top: int = 32
    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    min_coverage: float = 0.5  # a criterion covering fewer candidates is left out, visibly
    unit_coverage: float = 2 / 3  # a market needs data on this share of the criteria used
    runs: int = 1000
    seed: int = 20261121
    tiers: tuple[float, float, float] = (0.9, 0.5, 0.1)  # core, likely, watch
    recipe: Recipe = DEFAULT_RECIPE
    spec: UncertaintySpec = DEFAULT_SPEC


@dataclass(frozen=True)
class PriorityList:
    """Ranked markets with scores, intervals, tiers and contributions, and how they were made."""

    home: str
    markets: pd.DataFrame  # one row per ranked market, best first
    used: tuple[Criterion, ...]
    left_out: tuple[tuple[Criterion, str], ...]  # (criterion, reason)
    options: Options
    warnings: tuple[str, ...] = ()

    @property
    def selected(self) -> list[str]:
        return self.markets.loc[self.markets["rank"] <= self.options.top, "iso3"].tolist()


def parse_weights(text: str | None) -> dict[str, float]:
    """'innovation=1,horizon=2' -> {'innovation': 1.0, 'horizon': 2.0}, with clear errors."""
    from marketscout.criteria import REGISTRY

    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, sep, value = part.partition("=")
        if not sep or name.strip() not in REGISTRY:
            raise InputError(
                f"Bad weight {part!r}.",
                where="--weights",
                fix=f"Write name=number pairs; names: {', '.join(REGISTRY)}.",
            )
        try:
            weights[name.strip()] = float(value)
        except ValueError as exc:
            raise InputError(f"Weight {value!r} for {name} is not a number.", where="--weights",
                             fix="For example --weights innovation=2,horizon=1.") from exc
        if weights[name.strip()] < 0:
            raise InputError(f"Weight for {name} is negative.", where="--weights",
                             fix="Use 0 to leave a criterion out, positive numbers otherwise.")
    return weights


def select_criteria(
    found: Sequence[Criterion], options: Options
) -> tuple[list[Criterion], list[tuple[Criterion, str]]]:
    """Split criteria into used and left out (no data, low coverage, or weight 0)."""
    used, left = [], []
    for c in found:
        weight = options.weights.get(c.id, 1.0)
        if not c.available:
            left.append((c, "no data"))
        elif weight == 0:
            left.append((c, "weight set to 0"))
        elif c.coverage < options.min_coverage:
            left.append((c, f"covers {c.n_covered}/{c.n_candidates} candidates "
                            f"({c.coverage:.0%}), below the {options.min_coverage:.0%} threshold"))
        else:
            used.append(c)
    if not used:
        raise InputError(
            "No criterion has enough data to rank markets.",
            fix="Run `marketscout data status` to see what is missing and how to get it.",
        )
    return used, left


def index_tables(used: Sequence[Criterion], options: Options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr-style iData (markets with enough data) and iMeta (criteria -> one index)."""
    values = pd.DataFrame({c.id: c.values for c in used})
    enough = values.notna().mean(axis=1) >= options.unit_coverage - 1e-9
    data = values[enough].reset_index().rename(columns={"iso3": "uCode"})
    data.insert(1, "uName", data["uCode"].map(countries.name))
    meta = pd.DataFrame(
        [
            {"Level": 1, "iCode": c.id, "iName": c.name, "Direction": c.direction,
             "Weight": options.weights.get(c.id, 1.0), "Parent": INDEX, "Type": "Indicator"}
            for c in used
        ]
        + [{"Level": 2, "iCode": INDEX, "iName": "Priority index", "Direction": 1,
            "Weight": 1.0, "Parent": None, "Type": "Aggregate"}]
    )
    return data, meta


def build_priority_list(home: str, found: Sequence[Criterion], options: Options) -> PriorityList:
    """Rank candidate markets on the criteria with enough data, with Monte Carlo robustness."""
    if options.top < 1:
        raise InputError("--top must be at least 1.", where="--top", fix="For example --top 32.")
    used, left = select_criteria(found, options)
    data, meta = index_tables(used, options)
    framework = framework_from_meta(meta)
    nominal = build_index(data, framework, options.recipe)
    results = nominal.results.set_index("uCode")
    markets = pd.DataFrame({
        "iso3": results.index,
        "market": [countries.name(c) for c in results.index],
        "rank": results["Rank"].to_numpy(),
        "score": results["Index"].to_numpy(),
    })
    markets = markets.join(_robustness(data, framework, options), on="iso3")
    markets["tier"] = [tier(p, options.tiers) for p in markets["p_top"]]
    markets = markets.join(_criterion_columns(used, results, options), on="iso3")
    markets = markets.sort_values(["rank", "iso3"]).reset_index(drop=True)
    dropped = len(used[0].values) - len(data)
    warnings = [f"Left out {c.id}: {why}." for c, why in left]
    if dropped:
        warnings.append(
            f"{dropped} candidate markets have data on fewer than {options.unit_coverage:.0%} of "
            "the criteria used and are not ranked."
        )
    return PriorityList(home, markets, tuple(used), tuple(left), options, tuple(warnings))


def _robustness(data: pd.DataFrame, framework: Any, options: Options) -> pd.DataFrame:
    result = run_uncertainty(data, framework, options.recipe, options.spec, options.runs,
                             options.seed)
    summary = result.summary().set_index("uCode")
    return pd.DataFrame({
        "median_rank": summary["median_rank"],
        "rank_q05": summary["q05_rank"],
        "rank_q95": summary["q95_rank"],
        "p_top": prob_top(result, options.top),
    })


def tier(p_top: float, thresholds: tuple[float, float, float]) -> str:
    """core / likely / watch from the probability of being in the top N; '' below watch."""
    core, likely, watch = thresholds
    if p_top >= core:
        return "core"
    if p_top >= likely:
        return "likely"
    return "watch" if p_top >= watch else ""


def _criterion_columns(
    used: Sequence[Criterion], results: pd.DataFrame, options: Options
) -> pd.DataFrame:
    """Raw value, normalised value and contribution to the score of each criterion.

    With the weighted arithmetic mean over available criteria, a criterion's contribution is
    w_c * norm_c / sum of the weights of the criteria the market has data on; they add up to
    the score.
    """
    norm = results[[c.id for c in used]]
    weights = pd.Series({c.id: options.weights.get(c.id, 1.0) for c in used})
    present = norm.notna().mul(weights, axis=1).sum(axis=1)
    contrib = norm.mul(weights, axis=1).div(present, axis=0)
    cols = {}
    for c in used:
        cols[f"{c.id}_value"] = c.values.reindex(results.index)
        cols[f"{c.id}_norm"] = norm[c.id]
        cols[f"{c.id}_contribution"] = contrib[c.id]
    return pd.DataFrame(cols)


def contributions(plist: PriorityList) -> pd.DataFrame:
    """Markets (ISO3) by criteria: each criterion's contribution to the score."""
    cols = {c.id: plist.markets[f"{c.id}_contribution"].to_numpy() for c in plist.used}
    return pd.DataFrame(cols, index=plist.markets["iso3"])


def compare(
    plist: PriorityList, other: Sequence[str], name: str = "previous list"
) -> dict[str, Any]:
    """Overlap, entries and exits against another list, and the criteria behind each change.

    A change is explained by the criteria whose contribution for that market differs most from
    the mean contribution among the markets selected now: the largest gains for an entry, the
    largest shortfalls for an exit.
    """
    ours, theirs = plist.selected, [countries.to_iso3(m) for m in other]
    contrib = contributions(plist)
    typical = contrib.loc[ours].mean()
    rank = plist.markets.set_index("iso3")["rank"]

    def drivers(iso3: str, sign: float) -> list[str]:
        if iso3 not in contrib.index:
            return ["not ranked: too little data"]
        gap = pd.Series((contrib.loc[iso3] - typical) * sign).dropna().sort_values(ascending=False)
        return [f"{k} ({v * sign:+.1f})" for k, v in gap.head(2).items() if v > 0]

    def row(iso3: str, sign: float) -> dict[str, Any]:
        r = rank.get(iso3)
        return {"iso3": iso3, "market": countries.name(iso3),
                "rank": None if r is None or np.isnan(r) else int(r),
                "drivers": drivers(iso3, sign)}

    return {
        "name": name,
        "overlap": sorted(set(ours) & set(theirs)),
        "entries": [row(m, 1.0) for m in ours if m not in theirs],
        "exits": [row(m, -1.0) for m in theirs if m not in ours],
    }
