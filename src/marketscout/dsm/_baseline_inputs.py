"""Plain-pandas filters 1 and 3b for the DSM baseline: the country screen and the market
accessibility classes, computed from the store's tables (read whole, then grouped in pandas).

Written apart from the SQL engine, from the rules in docs/dsm.md and the DSMConfig field docs,
so that the benchmark's cross-check compares two independent readings of the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from marketscout.dsm.config import DSMConfig
from marketscout.store import Store

# A user's own import of a figure wins over a publisher's load of it; then the first source id.
_USER_PREFIX = "user"


def _preferred(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per `keys`: the user's import first, else the smallest source id."""
    rank = np.where(frame["source_id"].str.startswith(_USER_PREFIX), "0", "1")
    ordered = frame.assign(_pick=rank + frame["source_id"]).sort_values("_pick", kind="stable")
    return ordered.drop_duplicates(keys).drop(columns="_pick")


def _macro(store: Store, year: int, config: DSMConfig) -> pd.DataFrame:
    first = year - max(config.max_lag_years, config.growth_years) - 1
    wanted = {config.gdp_indicator, config.gdp_per_capita_indicator, config.growth_indicator,
              config.population_indicator}
    data = store.table("wb_indicator")
    data = data[data["indicator"].isin(wanted) & data["year"].between(first, year)
                & data["value"].notna()]
    return _preferred(data, ["iso3", "year", "indicator"])


def _latest(macro: pd.DataFrame, indicator: str, since: int) -> pd.Series:
    rows = macro[(macro["indicator"] == indicator) & (macro["year"] >= since)]
    return rows.sort_values("year").groupby("iso3")["value"].last()


def _growth(macro: pd.DataFrame, year: int, config: DSMConfig) -> pd.DataFrame:
    """Per country and year of the growth window: growth, per-capita growth, GDP weight."""
    def series(code: str) -> pd.Series:
        rows = macro[macro["indicator"] == code]
        return rows.set_index(["iso3", "year"])["value"]

    growth = series(config.growth_indicator)
    growth = growth[growth.index.get_level_values("year") > year - config.growth_years]
    pop = series(config.population_indicator)
    frame = growth.rename("growth").to_frame()
    iso, yr = frame.index.get_level_values("iso3"), frame.index.get_level_values("year")
    pop_now = pop.reindex(pd.MultiIndex.from_arrays([iso, yr])).to_numpy()
    pop_before = pop.reindex(pd.MultiIndex.from_arrays([iso, yr - 1])).to_numpy()
    frame["growth_pc"] = 100 * ((1 + frame["growth"] / 100) / (pop_now / pop_before) - 1)
    frame["weight"] = series(config.gdp_indicator).reindex(frame.index).to_numpy()
    return frame.reset_index()


def _world_growth(growth: pd.DataFrame, column: str) -> float:
    """GDP-weighted mean growth of each year, averaged over the years."""
    rows = growth.dropna(subset=["weight", column])
    if rows.empty:
        return float("nan")
    by_year = (rows[column] * rows["weight"]).groupby(rows["year"]).sum() / rows.groupby(
        "year")["weight"].sum()
    return float(by_year.mean())


def _risk(store: Store, year: int, config: DSMConfig) -> pd.DataFrame:
    """Per country: any rating in the worst class, and the mean transformed score."""
    data = store.table("risk_rating")
    data = data[data["year"].between(year - config.max_lag_years, year)].copy()
    # OECD CRC: 'not reviewed' high-income countries in the best class (or unknown);
    # 'not classified' is unknown, never 0.
    reviewed = data["status"] == "not_reviewed_high_income"
    lowest = config.risk_not_reviewed == "lowest"
    best = data["scale_min"].astype(float) if lowest else float("nan")
    data["rating"] = data["rating"].where(~reviewed, best)
    data.loc[data["status"] == "not_classified", "rating"] = None
    data = _preferred(data, ["iso3", "kind", "year"])
    data = data.sort_values("year").drop_duplicates(["iso3", "kind"], keep="last")
    classes = data["scale_max"] + 1 - data["scale_min"]
    data = data.assign(worst=data["rating"] >= data["scale_max"],
                       score=(data["scale_max"] + 1 - data["rating"]) / classes)
    return data.groupby("iso3").agg(worst=("worst", "any"), score=("score", "mean"))


def _macro_reason(row: pd.Series, config: DSMConfig, with_macro: bool) -> str | None:
    if config.macro_rule == "off" or not with_macro:
        return None
    if row[["gdp", "gdp_pc", "growth", "growth_pc"]].isna().all():
        return "no_macro_data" if config.missing_macro == "exclude" else None
    sized = bool(row["big"]) or bool(row["rich"])
    grows = bool(row["growing"]) or bool(row["growing_pc"])
    if config.macro_rule == "any":
        return None if sized or grows else "macro_small_and_slow"
    if not sized:
        return "macro_too_small"
    return None if grows else "macro_too_slow"


def _reason(row: pd.Series, home: str, config: DSMConfig, with_risk: bool,
            with_macro: bool) -> str | None:
    """Filter 1's verdict on one market; the first rule that applies wins."""
    if row.name == home:
        return "home_country"
    if with_risk:
        if config.risk_exclude_worst and pd.notna(row["worst"]) and bool(row["worst"]):
            return "risk_worst_class"
        if pd.notna(row["score"]) and row["score"] < config.risk_min_score:
            return "risk_score_low"
        if (pd.isna(row["score"]) and config.risk_missing == "exclude"
                and row.name not in config.risk_whitelist):
            return "no_risk_rating"
    return _macro_reason(row, config, with_macro)


def screen_markets(store: Store, markets: Sequence[str], home: str, year: int,
                   config: DSMConfig) -> pd.Series:
    """Filter 1: the reason each market (ISO3) is excluded, None where it passes."""
    macro = _macro(store, year, config)
    since = year - config.max_lag_years
    table = pd.DataFrame(index=pd.Index(sorted(markets), name="iso3"))
    table["gdp"] = _latest(macro, config.gdp_indicator, since)
    table["gdp_pc"] = _latest(macro, config.gdp_per_capita_indicator, since)
    growth = _growth(macro, year, config)
    table = table.join(growth.groupby("iso3")[["growth", "growth_pc"]].mean())
    gdp_all = pd.Series(_latest(macro, config.gdp_indicator, since))
    pc_all = pd.Series(_latest(macro, config.gdp_per_capita_indicator, since))
    table["big"] = table["gdp"] >= gdp_all.quantile(config.gdp_min_percentile)
    table["rich"] = table["gdp_pc"] >= pc_all.quantile(config.gdp_per_capita_min_percentile)
    table["growing"] = table["growth"] >= _world_growth(growth, "growth") + config.growth_margin
    table["growing_pc"] = table["growth_pc"] >= (_world_growth(growth, "growth_pc")
                                                 + config.per_capita_growth_margin)
    risk = _risk(store, year, config)
    table = table.join(risk)
    with_risk, with_macro = not risk.empty, not macro.empty
    reasons = [_reason(row, home, config, with_risk, with_macro) for _, row in table.iterrows()]
    return pd.Series(reasons, index=table.index, name="reason", dtype=object)


def _closest(frame: pd.DataFrame, keys: list[str], year: int,
             first: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per `keys`: by the `first` columns, then the year nearest the trade year (the
    later on ties), then the source id."""
    ordered = frame.assign(_gap=(frame["year"] - year).abs(), _neg=-frame["year"])
    ordered = ordered.sort_values([*keys, *first, "_gap", "_neg", "source_id"])
    return ordered.drop_duplicates(keys).drop(columns=["_gap", "_neg"])


def _access_values(store: Store, home: str, markets: list[str], year: int,
                   config: DSMConfig) -> pd.DataFrame:
    """Distance, LPI, mean tariff and mean NTM frequency per market (NaN where missing)."""
    out = pd.DataFrame(index=pd.Index(markets, name="market"))
    dist = store.table("distance")
    dist = dist[(dist["iso_o"] == home) & dist[config.distance_column].notna()]
    dist = dist.sort_values("source_id").drop_duplicates("iso_d").set_index("iso_d")
    out["distance"] = dist[config.distance_column]
    lpi = store.table("lpi")
    lpi = lpi[(lpi["indicator"] == config.lpi_indicator) & lpi["score"].notna()]
    out["lpi"] = _closest(lpi, ["iso3"], year).set_index("iso3")["score"]
    tariff = store.table("tariff")
    tariff = tariff[tariff["rate"].notna() & tariff["importer"].isin(markets)
                    & (tariff["exporter"].isna() | (tariff["exporter"] == home))]
    # A rate for the home country's goods wins over the MFN rate for everyone.
    tariff = _closest(tariff.assign(_mfn=tariff["exporter"].isna()), ["importer", "product"],
                      year, first=("_mfn",))
    out["tariff"] = tariff.groupby("importer")["rate"].mean()
    ntm = store.table("ntm")
    ntm = _closest(ntm[ntm["frequency"].notna()], ["importer", "product"], year)
    out["ntm"] = ntm.groupby("importer")["frequency"].mean()
    return out


def _restrictive(values: pd.Series, higher_is_worse: bool, normaliser: str) -> pd.Series:
    """One variable turned into restrictiveness (higher = harder to access)."""
    if normaliser == "minmax":
        lo, hi = values.min(), values.max()
        if not hi > lo:
            return values.where(values.isna(), 0.0)
        return (values - lo) / (hi - lo) if higher_is_worse else (hi - values) / (hi - lo)
    mean = values.mean()
    ratio = values / mean if higher_is_worse else mean / values
    return ratio.where(values.isna() | ((mean > 0) & (values > 0)), 0.0)


def access_classes(store: Store, home: str, markets: list[str], year: int,
                   config: DSMConfig) -> pd.Series:
    """Filter 3b: green / orange / red (quantiles of the index) or unrated, per market."""
    values = _access_values(store, home, markets, year, config)
    weights = {"distance": config.weight_distance, "lpi": config.weight_lpi,
               "tariff": config.weight_tariff, "ntm": config.weight_ntm}
    worse = {"distance": True, "lpi": False, "tariff": True, "ntm": True}
    total = pd.Series(0.0, index=values.index)
    weight = pd.Series(0.0, index=values.index)
    for name, w in weights.items():
        if w > 0:
            r = _restrictive(values[name], worse[name], config.access_normaliser)
            total += r.fillna(0.0) * w
            weight += r.notna() * w
    index = (total / weight).where(weight > 0)
    rated = index.dropna()
    if rated.empty:
        return pd.Series("unrated", index=values.index)
    q1, q2 = (float(np.quantile(rated, q)) for q in config.access_bins)
    classes = np.select([index.isna(), index <= q1, index <= q2], ["unrated", "green", "orange"],
                        "red")
    return pd.Series(classes, index=values.index)
