"""List versions: the priority list that effort is compared with, either computed by the main
job (`priority.rank`, with its options) or imported (`marketscout data import list`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from marketscout import countries, priority
from marketscout.errors import DataNotAvailableError
from marketscout.store import Store

COLUMNS = ["iso3", "market", "rank", "score", "p_top", "tier", "selected", "position"]


@dataclass(frozen=True)
class ListVersion:
    """Markets with their place on one version of the list (one row per ranked or listed
    market); `selected` marks the list itself, `position` its order."""

    name: str
    description: str
    markets: pd.DataFrame
    computed: bool

    @property
    def members(self) -> list[str]:
        chosen = self.markets[self.markets["selected"]]
        return chosen.sort_values("position")["iso3"].tolist()

    @property
    def has_tiers(self) -> bool:
        return bool((self.markets["tier"] != "").any())

    def core(self) -> list[str]:
        """Core-tier markets on the list; for a list without tiers, every market on it."""
        on = self.markets[self.markets["selected"]].sort_values("position")
        if not self.has_tiers:
            return on["iso3"].tolist()
        return on[on["tier"] == "core"]["iso3"].tolist()

    def tier(self, name: str) -> list[str]:
        """Markets of one tier (on the list or not: a watch market is often off it)."""
        return self.markets[self.markets["tier"] == name]["iso3"].tolist()


def from_priority(plist: priority.PriorityList, name: str = "computed") -> ListVersion:
    """A list computed by `priority.rank` (scores, P(top N) and tiers included)."""
    m = plist.markets
    frame = m[COLUMNS].copy()
    frame["tier"] = frame["tier"].fillna("")
    o = plist.options
    return ListVersion(name, f"computed by marketscout rank (top {o.top}, {o.runs} runs, seed "
                             f"{o.seed}): {plist.headline}", frame.reset_index(drop=True), True)


def computed(store: Store, home: str, options: priority.Options | None = None) -> ListVersion:
    """The main job's list for `home` with `options` (default: the defaults of `rank`)."""
    return from_priority(priority.rank(store, home, options or priority.DEFAULTS))


def imported(store: Store, name: str) -> ListVersion:
    """A list imported with `marketscout data import list FILE --name NAME`."""
    rows = store.query("SELECT market, tier, position FROM priority_list WHERE list_name = ?",
                       [name])
    if rows.empty:
        known = store.query("SELECT DISTINCT list_name FROM priority_list ORDER BY 1")
        names = ", ".join(known["list_name"]) or "none yet"
        raise DataNotAvailableError(
            f"No imported list named {name!r}.", where="--list",
            fix=f"Import it with `marketscout data import list FILE --name {name}`, or use "
                f"`--list computed`. Lists in the store: {names}.")
    rows = rows.sort_values(["position", "market"], na_position="last").reset_index(drop=True)
    frame = pd.DataFrame({
        "iso3": rows["market"], "market": [countries.name(c) for c in rows["market"]],
        "rank": range(1, len(rows) + 1), "score": float("nan"), "p_top": float("nan"),
        "tier": rows["tier"].fillna("").astype(str).str.strip().str.lower(),
        "selected": True, "position": range(1, len(rows) + 1),
    })
    frame["rank"] = frame["rank"].astype(float)
    return ListVersion(name, f"imported list {name!r} ({len(frame)} markets)", frame, False)


def resolve(store: Store, home: str, name: str = "computed",
            options: priority.Options | None = None) -> ListVersion:
    """'computed' (the main job's list) or the name of an imported list."""
    if name == "computed":
        return computed(store, home, options)
    return imported(store, name)
