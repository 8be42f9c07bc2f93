"""The main job: criteria -> composite index (+ Monte Carlo robustness) -> the priority list.

Pure: takes computed criteria, returns a `PriorityList`. The CLI, web app and reports only
present it. The rules (coverage, availability, tiers, overrides) are documented in
docs/methodology.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from marketscout import countries
from marketscout.criteria.base import Criterion
from marketscout.errors import InputError
from marketscout.index.build import build_index
from marketscout.index.framework import Framework, framework_from_meta
from marketscout.index.robustness import run_uncertainty
from marketscout.priority.options import Options
from marketscout.priority.selection import pool_ranks, selection_shares, tier

INDEX = "PRIORITY"
TOTAL_CRITERIA = 7


@dataclass(frozen=True)
class PriorityList:
    """Ranked markets with scores, intervals, tiers and contributions, and how they were made.

    `markets` has one row per ranked market (best first) plus any market included by an
    override that the data cannot rank (at the end, without numbers). `rank` is what the data
    alone says; `selected` and `position` are the final list after overrides.
    """

    home: str
    markets: pd.DataFrame
    used: tuple[Criterion, ...]
    left_out: tuple[tuple[Criterion, str], ...]  # (criterion, reason)
    options: Options
    warnings: tuple[str, ...] = ()
    not_ranked: pd.DataFrame = field(default_factory=pd.DataFrame)  # iso3, market, reason

    @property
    def selected(self) -> list[str]:
        """The final list (ISO3), in list order."""
        chosen = self.markets[self.markets["selected"]]
        return chosen.sort_values("position")["iso3"].tolist()

    @property
    def headline(self) -> str:
        """E.g. '3 of 7 criteria: GII 2022, Horizon 2020 (projects starting 2014-2020), ...'."""
        labels = ", ".join(c.label or f"{c.id} {c.year}".strip() for c in self.used)
        return (f"{len(self.used)} of {TOTAL_CRITERIA} criteria: {labels}. Top "
                f"{self.options.top} of {int(self.markets['rank'].notna().sum())} ranked "
                f"markets; {len(self.not_ranked)} candidates not ranked.")


    def scenario_changes(self) -> dict[str, tuple[list[str], list[str]]]:
        """Per method scenario: markets that would join and leave the list (names)."""
        m = self.markets
        pool = (m["override"] == "").to_numpy()
        slots = _slots(self.options)
        out = {}
        for col in (c for c in m.columns if c.startswith("rank_") and c[5:] in
                    self.options.scenarios):
            ranks = m[col].to_numpy(dtype=float)
            alt = pool_ranks(np.where(np.isnan(ranks), -np.inf, -ranks)[None, :], pool)[0]
            chosen = (pool & (alt <= slots)) | (m["override"] == "include").to_numpy()
            now = m["selected"].to_numpy()
            out[col[5:]] = (m.loc[chosen & ~now, "market"].tolist(),
                            m.loc[now & ~chosen, "market"].tolist())
        return out


def select_criteria(
    found: Sequence[Criterion], options: Options
) -> tuple[list[Criterion], list[tuple[Criterion, str]]]:
    """Split criteria into used and left out (no data, weight 0, or coverage below the
    threshold: a criterion covering exactly `min_coverage` is used)."""
    used, left = [], []
    for c in found:
        if not c.available:
            left.append((c, "no data"))
        elif options.weight(c.id) == 0:
            left.append((c, "weight set to 0"))
        elif c.coverage < options.min_coverage:
            left.append((c, f"covers {c.n_covered}/{c.n_candidates} candidates "
                            f"({c.coverage:.0%}), below the {options.min_coverage:.0%} "
                            "coverage threshold (--min-coverage)"))
        else:
            used.append(c)
    if not used:
        zero = [c.id for c in found if c.available and c.coverage >= options.min_coverage
                and options.weight(c.id) == 0]
        if zero:
            raise InputError(f"Every criterion with enough data has weight 0 ({', '.join(zero)}).",
                             where="--weights",
                             fix="Give at least one of them a positive weight.")
        raise InputError(
            "No criterion has enough data to rank markets.",
            fix="Run `marketscout data status` to see what is missing and how to get it, or "
            "lower --min-coverage.",
        )
    return used, left


def availability(used: Sequence[Criterion], options: Options) -> pd.Series:
    """Per candidate, the share of the criteria used on which the source reports it.

    A value filled in by rule (0 joint projects for a country absent from CORDIS, 0 Borda
    points for a market no association named, 0 exports under `--complete`) enters the index
    but does not count as data here, so markets nobody reports on are not ranked in a tie.
    """
    reported = pd.DataFrame({c.id: c.reported_mask for c in used})
    return reported.mean(axis=1)


def index_tables(used: Sequence[Criterion], options: Options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr-style iData (markets with enough data) and iMeta (criteria -> one index)."""
    values = pd.DataFrame({c.id: c.values for c in used})
    enough = availability(used, options) >= options.unit_coverage - 1e-9
    data = values[enough].reset_index().rename(columns={"iso3": "uCode"})
    data.insert(1, "uName", data["uCode"].map(countries.name))
    meta = pd.DataFrame(
        [
            {"Level": 1, "iCode": c.id, "iName": c.name, "Direction": c.direction,
             "Weight": options.weight(c.id), "Parent": INDEX, "Type": "Indicator"}
            for c in used
        ]
        + [{"Level": 2, "iCode": INDEX, "iName": "Priority index", "Direction": 1,
            "Weight": 1.0, "Parent": None, "Type": "Aggregate"}]
    )
    return data, meta


def build_priority_list(home: str, found: Sequence[Criterion], options: Options) -> PriorityList:
    """Rank candidate markets on the criteria with enough data, with Monte Carlo robustness,
    method scenarios and the user's overrides."""
    used, left = select_criteria(found, options)
    data, meta = index_tables(used, options)
    if data.empty:
        raise InputError("No market has data on enough of the criteria used to be ranked.",
                         fix="Lower --min-coverage or import more data (`marketscout data "
                         "status` shows what is missing).")
    _check_top(data, options)
    framework = framework_from_meta(meta)
    results = build_index(data, framework, options.recipe).results.set_index("uCode")
    markets = pd.DataFrame({
        "iso3": results.index,
        "market": [countries.name(c) for c in results.index],
        "rank": results["Rank"].to_numpy(dtype=float),
        "score": results["Index"].to_numpy(dtype=float),
    })
    markets = markets.join(_robustness(data, framework, options), on="iso3")
    markets = markets.join(_scenarios(data, framework, options), on="iso3")
    markets = markets.join(_criterion_columns(used, results, options), on="iso3")
    not_ranked = _not_ranked(used, found, data, options)
    markets = _apply_overrides(markets, not_ranked, options)
    warnings = _warnings(left, not_ranked, markets, options)
    return PriorityList(home, markets, tuple(used), tuple(left), options, tuple(warnings),
                        not_ranked)


def _check_top(data: pd.DataFrame, options: Options) -> None:
    """A list longer than the markets that can be on it is refused, saying how many can."""
    ranked = set(data["uCode"]) if "uCode" in data else set(data.index)
    can = len(ranked | set(options.overridden("include")))
    if options.top > can:
        raise InputError(
            f"--top {options.top} asks for more markets than can be on the list: {can} "
            f"candidates have data on enough of the criteria used to be ranked.",
            where="--top", fix=f"Use --top {can} or less, or lower --min-coverage / import "
                               "more data to rank more markets (`marketscout data status`).")


def _robustness(data: pd.DataFrame, framework: Framework, options: Options) -> pd.DataFrame:
    """Rank quantiles over the weight-noise runs, and each market's share of runs in which it
    makes the final list (rank among the markets competing for the data's places)."""
    result = run_uncertainty(data, framework, options.recipe, options.spec, options.runs,
                             options.seed)
    summary = result.summary().set_index("uCode")
    units = list(result.units)
    pool = np.array([u not in _forced(options) for u in units])
    shares = selection_shares(result.scores, pool, _slots(options))
    p_top = pd.Series(shares, index=units)
    return pd.DataFrame({
        "median_rank": summary["median_rank"],
        "rank_q05": summary["q05_rank"],
        "rank_q95": summary["q95_rank"],
        "p_top": p_top,
        "tier": [tier(p, options.tiers) for p in p_top],
    })


def _scenarios(data: pd.DataFrame, framework: Framework, options: Options) -> pd.DataFrame:
    """The nominal rank under each alternative aggregation (same data, same weights)."""
    cols = {}
    for method in options.scenarios:
        if method == options.recipe.aggregate:
            continue
        built = build_index(data, framework, replace(options.recipe, aggregate=method))
        cols[f"rank_{method}"] = built.results.set_index("uCode")["Rank"].astype(float)
    return pd.DataFrame(cols, index=data["uCode"])


def _forced(options: Options) -> set[str]:
    return set(options.overridden("include")) | set(options.overridden("exclude"))


def _slots(options: Options) -> int:
    """Places on the list left for the data once included markets take theirs."""
    return max(options.top - len(options.overridden("include")), 0)


def _apply_overrides(markets: pd.DataFrame, not_ranked: pd.DataFrame, options: Options
                     ) -> pd.DataFrame:
    """`selected` and `position` after overrides: included markets take a place each, the
    data fills the rest in rank order, excluded markets never do."""
    extra = not_ranked[not_ranked["iso3"].isin(options.overridden("include"))]
    markets = pd.concat([markets, extra[["iso3", "market"]]], ignore_index=True)
    markets["tier"] = markets["tier"].fillna("")
    pool = ~markets["iso3"].isin(_forced(options)).to_numpy()
    scores = markets["score"].to_numpy(dtype=float)
    data_rank = pool_ranks(np.where(np.isnan(scores), -np.inf, scores)[None, :], pool)[0]
    markets["selected"] = (pool & (data_rank <= _slots(options))) | markets["iso3"].isin(
        options.overridden("include")).to_numpy()
    markets["override"] = [o.action if (o := options.override(m)) else "" for m in
                           markets["iso3"]]
    markets["override_reason"] = [o.reason if (o := options.override(m)) else "" for m in
                                  markets["iso3"]]
    markets = markets.sort_values(["rank", "iso3"], na_position="last").reset_index(drop=True)
    data_picks = markets.index[markets["selected"] & (markets["override"] != "include")]
    for extra_row in data_picks[_slots(options):]:  # a tie at the cut-off: by ISO3 code
        markets.loc[extra_row, "selected"] = False
    order = markets.index[markets["selected"]]
    markets["position"] = pd.Series(range(1, len(order) + 1), index=order, dtype="Int64")
    return markets


def _not_ranked(used: Sequence[Criterion], found: Sequence[Criterion], data: pd.DataFrame,
                options: Options) -> pd.DataFrame:
    """Every candidate the index cannot rank, and why, in plain words."""
    ranked = set(data["uCode"])
    candidates = found[0].values.index if found else pd.Index([])
    need = int(np.ceil(options.unit_coverage * len(used) - 1e-9))
    masks = [(c, c.reported_mask) for c in used]  # a property that builds a Series: once
    rows = []
    for iso3 in map(str, candidates):
        if iso3 in ranked:
            continue
        missing = [c.label or c.id for c, mask in masks if not bool(mask.get(iso3, False))]
        have = len(used) - len(missing)
        rows.append({"iso3": iso3, "market": countries.name(iso3),
                     "reason": f"reported by {have} of the {len(used)} criteria used (needs "
                               f"{need}); no data in: {', '.join(missing)}"})
    return pd.DataFrame(rows, columns=["iso3", "market", "reason"])


def _warnings(left: Sequence[tuple[Criterion, str]], not_ranked: pd.DataFrame,
              markets: pd.DataFrame, options: Options) -> list[str]:
    out = [f"Left out {c.id}: {why}." for c, why in left]
    out += _tie_warning(markets, options)
    names = dict(zip(not_ranked["iso3"], not_ranked["market"], strict=True))
    if len(not_ranked):
        out.append(f"{len(not_ranked)} candidate markets have reported data on fewer than "
                   f"{options.unit_coverage:.0%} of the criteria used and are not ranked "
                   "(listed as 'not ranked').")
    unranked = set(not_ranked["iso3"])
    for o in options.overrides:
        what = "included" if o.action == "include" else "excluded"
        data = " (the data cannot rank it)" if o.iso3 in unranked else ""
        out.append(f"{names.get(o.iso3) or countries.name(o.iso3)} {what} by override{data}: "
                   f"{o.reason or 'no reason recorded'}.")
    return out


def _tie_warning(markets: pd.DataFrame, options: Options) -> list[str]:
    """Markets that tie on the score across the cut-off: the list keeps its length."""
    eligible = markets[(markets["override"] == "") & markets["rank"].notna()]
    chosen = eligible[eligible["selected"]]
    if chosen.empty:
        return []
    last = chosen["score"].min()
    tied = eligible[np.isclose(eligible["score"], last, rtol=0, atol=1e-9)]
    if not (~tied["selected"]).any():
        return []
    names = ", ".join(tied["market"])
    return [f"{names} tie on the score ({last:.2f}) at the list's last place; the tie is "
            "broken by ISO3 code. Change --top or the weights to decide it."]


def _criterion_columns(
    used: Sequence[Criterion], results: pd.DataFrame, options: Options
) -> pd.DataFrame:
    """Raw value, normalised value and contribution to the score of each criterion.

    With the weighted arithmetic mean over available criteria, a criterion's contribution is
    w_c * norm_c / sum of the weights of the criteria the market has data on; they add up to
    the score.
    """
    norm = results[[c.id for c in used]]
    weights = pd.Series({c.id: options.weight(c.id) for c in used})
    present = norm.notna().mul(weights, axis=1).sum(axis=1)
    contrib = norm.mul(weights, axis=1).div(present, axis=0)
    cols = {}
    for c in used:
        cols[f"{c.id}_value"] = c.values.reindex(results.index)
        cols[f"{c.id}_norm"] = norm[c.id]
        cols[f"{c.id}_contribution"] = contrib[c.id]
    return pd.DataFrame(cols)


def contributions(plist: PriorityList) -> pd.DataFrame:
    """Ranked markets (ISO3) by criteria: each criterion's contribution to the score."""
    ranked = plist.markets[plist.markets["rank"].notna()]
    cols = {c.id: ranked[f"{c.id}_contribution"].to_numpy() for c in plist.used}
    return pd.DataFrame(cols, index=ranked["iso3"])


def summary_row(plist: PriorityList, iso3: str) -> dict[str, Any]:
    """Rank, score, 90% rank interval, P(on the list), tier and override; {} when absent."""
    rows = plist.markets[plist.markets["iso3"] == iso3]
    if rows.empty:
        return {}
    r = rows.iloc[0]
    if pd.isna(r["rank"]):
        return {"selected": bool(r["selected"]), "override": r["override"] or None,
                "override_reason": r["override_reason"] or None}
    return {"rank": int(r["rank"]), "score": float(r["score"]),
            "median_rank": float(r["median_rank"]),
            "rank_interval_90": [float(r["rank_q05"]), float(r["rank_q95"])],
            "p_top": float(r["p_top"]), "tier": r["tier"] or None,
            "selected": bool(r["selected"]), "override": r["override"] or None,
            "override_reason": r["override_reason"] or None}
