"""A priority list against another (previous or official) list: overlap, entries and exits,
each explained in words and in the criteria's own units."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from marketscout import countries
from marketscout.criteria.base import Criterion
from marketscout.priority.build import PriorityList


def value_text(c: Criterion, value: float) -> str:
    """A criterion value with its unit, e.g. '1,234 projects' or '54.5 (score 0-100)'."""
    if pd.isna(value):
        return "no data"
    number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    unit = c.unit or ""
    if unit.startswith("score") or "(" in unit or "log" in unit:
        return f"{number} ({unit})" if unit else number
    return f"{number} {unit}".strip()


def _reasons(plist: PriorityList, iso3: str, sign: float) -> list[str]:
    """The two criteria on which the market stands out most from the list's typical market
    (above it for an entry, below it for an exit), with both values in the criterion's units."""
    m = plist.markets.set_index("iso3")
    chosen = m.loc[m.index.isin(plist.selected) & m["rank"].notna()]
    row = {str(k): v for k, v in m.loc[iso3].to_dict().items()}
    gaps: list[tuple[float, Criterion]] = []
    for c in plist.used:
        mine = float(row[f"{c.id}_norm"])
        if mine == mine:
            gaps.append(((mine - float(chosen[f"{c.id}_norm"].median())) * sign, c))
    out = []
    for gap, c in sorted(gaps, key=lambda g: -g[0])[:2]:
        if gap <= 0:
            continue
        raw = float(row[f"{c.id}_value"])
        typical = float(chosen[f"{c.id}_value"].median())
        side = "above" if sign > 0 else "below"
        out.append(f"{c.name} {value_text(c, raw)}, {side} the list's median of "
                   f"{value_text(c, typical)}")
    return out


def _explain(plist: PriorityList, iso3: str, sign: float) -> tuple[list[str], int | None]:
    m = plist.markets.set_index("iso3")
    if iso3 not in m.index:
        why = plist.not_ranked.set_index("iso3")["reason"].get(iso3)
        return [f"not ranked: {why}" if why else "not a candidate market"], None
    row = m.loc[iso3]
    rank: int | None = None if pd.isna(row["rank"]) else int(row["rank"])
    if row["override"]:
        what = "included" if row["override"] == "include" else "excluded"
        return [f"{what} by override: {row['override_reason'] or 'no reason recorded'}"], rank
    if rank is None:
        return ["not ranked"], None
    lead = f"rank {rank}, P(on the list) {row['p_top']:.1%}"
    return [lead, *_reasons(plist, iso3, sign)], rank


def compare(plist: PriorityList, other: Sequence[str], name: str = "previous list"
            ) -> dict[str, Any]:
    """Overlap, entries (on this list, not the other) and exits (the reverse), sorted by rank,
    each with the reasons in words; a warning when the lists differ in length."""
    ours = plist.selected
    theirs = list(dict.fromkeys(countries.to_iso3(x) for x in other))

    def row(iso3: str, sign: float) -> dict[str, Any]:
        drivers, rank = _explain(plist, iso3, sign)
        return {"iso3": iso3, "market": countries.name(iso3), "rank": rank,
                "drivers": drivers}

    def by_rank(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["iso3"]))

    warnings = []
    if len(ours) != len(theirs):
        warnings.append(f"The lists differ in length: this list has {len(ours)} markets, "
                        f"{name} has {len(theirs)}; overlap and changes are not symmetric.")
    return {
        "name": name,
        "ours": len(ours),
        "theirs": len(theirs),
        "overlap": [m for m in ours if m in theirs],
        "entries": by_rank([row(m, 1.0) for m in ours if m not in theirs]),
        "exits": by_rank([row(m, -1.0) for m in theirs if m not in ours]),
        "warnings": warnings,
    }
