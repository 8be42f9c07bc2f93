"""A straightforward pandas implementation of the DSM's four filters: the benchmark baseline
and an independent cross-check of the SQL engine (bench/bench_dsm.py, tests/dsm).

It reads every trade row of the six years into memory and applies the rules of docs/dsm.md
with groupby and merge, with the same DSMConfig. It was written apart from the engine's SQL;
only the rules are shared. Use the engine (`run_dsm`) for real work: this one needs the whole
window of trade in memory and is several times slower.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from marketscout import countries
from marketscout.dsm._baseline_inputs import access_classes, screen_markets
from marketscout.dsm.config import DSMConfig
from marketscout.dsm.synthetic import any_synthetic
from marketscout.errors import DataNotAvailableError
from marketscout.sources.baci import NON_COUNTRY_CODES
from marketscout.store import Store

PAIR = ["importer", "product"]


@dataclass(frozen=True)
class Flows:
    """Trade rows with countries as positions in `names` (ISO3) and products as integers."""

    frame: pd.DataFrame  # year, exporter, importer, product, value
    names: list[str]


@dataclass(frozen=True)
class BaselineResult:
    """The baseline's opportunities, the reason for every other product-market, and filter 1."""

    home: str
    year: int
    opportunities: pd.DataFrame  # market, product, cell, row_class, col_class, values
    excluded: pd.DataFrame  # market, product, reason
    markets: pd.DataFrame  # market, filter1_reason, access_class
    synthetic: bool
    seconds: float


def _files(paths: Sequence[Path | str]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        found += sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    return found


def _read_file(path: Path, first: int, last: int) -> pd.DataFrame:
    """One Parquet file as year, exporter code, importer code, product (int), value."""
    schema = pq.read_schema(path)
    baci = "t" in schema.names
    year, exporter, importer, product, value = (("t", "i", "j", "k", "v") if baci else
                                                ("year", "exporter", "importer", "product",
                                                 "value"))
    text = [c for c in (exporter, importer, product)
            if str(schema.field(c).type) in ("string", "large_string")]
    frame = pd.read_parquet(path, columns=[year, exporter, importer, product, value],
                            filters=[(year, ">=", first), (year, "<=", last)],
                            read_dictionary=text)
    frame.columns = ["year", "exporter", "importer", "product", "value"]
    if isinstance(frame["product"].dtype, pd.CategoricalDtype):
        codes = frame["product"].cat.categories.astype(np.int32)
        frame["product"] = np.asarray(codes)[frame["product"].cat.codes.to_numpy()]
    return frame


def _country_position(codes: pd.Series, names: list[str], iso: dict[object, str]) -> np.ndarray:
    """Each row's country as a position in `names` (-1 for BACI's "nes" groupings)."""
    position = {c: names.index(i) for c, i in iso.items()}
    if isinstance(codes.dtype, pd.CategoricalDtype):
        lookup = np.array([position.get(c, -1) for c in codes.cat.categories], dtype=np.int16)
        return lookup[codes.cat.codes.to_numpy()]
    values = codes.to_numpy()
    lookup = np.full(int(values.max()) + 1, -1, dtype=np.int16)
    for code, pos in position.items():
        lookup[int(code)] = pos  # type: ignore[call-overload]
    return lookup[values]


def read_flows(paths: Sequence[Path | str], first: int, last: int) -> Flows:
    """Every trade row of years first..last, countries mapped to ISO3 (BACI or ISO3 codes)."""
    frame = pd.concat([_read_file(p, first, last) for p in _files(paths)], ignore_index=True)
    iso: dict[object, str] = {}
    for column in ("exporter", "importer"):
        for code in pd.unique(frame[column]):
            if isinstance(code, str):
                iso[code] = countries.to_iso3(code)
            elif int(code) not in NON_COUNTRY_CODES:
                iso[code] = countries.from_baci(int(code))
    names = sorted(set(iso.values()))
    for column in ("exporter", "importer"):
        frame[column] = _country_position(frame[column], names, iso)
    keep = (frame["exporter"] >= 0) & (frame["importer"] >= 0)
    keep &= frame["exporter"] != frame["importer"]
    return Flows(frame[keep].reset_index(drop=True), names)


def _years(present: set[int], year: int, config: DSMConfig) -> tuple[int | None, int | None]:
    """(t-1 if present, first year of the long-term window with a span of at least
    long_term_min_span years); None where a comparison is impossible."""
    if year not in present:
        raise DataNotAvailableError(f"The trade data holds no flows for {year}.",
                                    fix="Pass a year present in the trade files.")
    prev = year - 1 if year - 1 in present else None
    bases = [y for y in range(year - config.long_term_years, year - config.long_term_min_span + 1)
             if y in present]
    return prev, (bases[0] if bases else None)


def _attractive(now: pd.DataFrame, history: pd.DataFrame, year: int,
                years: tuple[int | None, int | None], markets: list[int],
                config: DSMConfig) -> pd.DataFrame:
    """Filter 2 for every product-market of the screened `markets`: figures, row class and
    reason. World imports of a product sum every importer's, screened or not."""
    prev, base = years
    world = pd.concat([history, now.assign(year=year)]).groupby(["product", "year"])["value"].sum()
    now = now[now["importer"].isin(markets)]
    pairs = pd.DataFrame(now.groupby(PAIR)["value"].agg(m="sum", n_sup="size"))
    share = now["value"] / now.groupby(PAIR)["value"].transform("sum")
    pairs["hhi"] = (share ** 2).groupby([now["importer"], now["product"]]).sum()
    product = pairs.index.get_level_values("product")
    pairs["world"] = world.xs(year, level="year").reindex(product).to_numpy()
    by_year = history.set_index([*PAIR, "year"])["value"]
    if prev is not None:
        pairs["m_prev"] = by_year.xs(prev, level="year").reindex(pairs.index)
        world_prev = world.xs(prev, level="year").reindex(product).to_numpy()
        pairs["st_growth"] = pairs["m"] / pairs["m_prev"] - 1
        pairs["world_st_growth"] = pairs["world"] / world_prev - 1
    if base is not None:
        first = history[history["year"] >= base].sort_values("year").groupby(PAIR).first()
        pairs["y0"] = first["year"].reindex(pairs.index)
        pairs["m0"] = first["value"].reindex(pairs.index)
        span = year - pairs["y0"]
        w0 = world.reindex(pd.MultiIndex.from_arrays([product, pairs["y0"].fillna(-1)]))
        ok = span >= config.long_term_min_span
        pairs["lt_growth"] = ((pairs["m"] / pairs["m0"]) ** (1 / span) - 1).where(ok)
        pairs["world_lt_growth"] = ((pairs["world"] / w0.to_numpy()) ** (1 / span) - 1).where(ok)
    return _row_classes(pairs, prev is not None, base is not None, config)


def _growing(growth: pd.Series | None, world: pd.Series | None, margin: float,
             tested: bool, new_growing: bool) -> pd.Series | bool:
    if not tested or growth is None or world is None:
        return False
    return (growth > world + margin).where(growth.notna(), new_growing).astype(bool)


def _row_classes(pairs: pd.DataFrame, st_tested: bool, lt_tested: bool,
                 config: DSMConfig) -> pd.DataFrame:
    """The five market-characteristic classes (rows of the REO map) and filter 2's reason."""
    new = config.zero_base == "new_market"
    large = pairs["m"] / pairs["world"] >= config.large_market_share
    st = _growing(pairs.get("st_growth"), pairs.get("world_st_growth"),
                  config.short_term_margin, st_tested, new)
    lt = _growing(pairs.get("lt_growth"), pairs.get("world_lt_growth"),
                  config.long_term_margin, lt_tested, new)
    both = st & lt
    row = np.select([large & both, large & lt, large & st, large, both], [5, 4, 3, 1, 2], 0)
    small = pairs["m"] < config.min_import_value
    pairs["row_class"] = np.where(small, 0, row)
    pairs["reason"] = np.select([small, pairs["row_class"] == 0],
                                ["import_below_minimum", "not_large_not_growing"], "")
    return pairs


def _accessible(pairs: pd.DataFrame, home_exports: pd.Series, access: pd.Series,
                config: DSMConfig) -> pd.DataFrame:
    """Filter 3: concentration (with the dominant-supplier exemption), then accessibility."""
    pairs["home_exports"] = home_exports.reindex(pairs.index).fillna(0.0)
    pairs["access_class"] = access.reindex(pairs.index.get_level_values("importer")).to_numpy()
    open_ = pairs["reason"] == ""
    concentrated = (pairs["hhi"] > config.hhi_max) & (
        pairs["home_exports"] / pairs["m"] < config.dominant_share)
    red = (pairs["access_class"] == "red") & config.drop_red & ~pairs["row_class"].isin(
        config.red_keep_rows)
    unrated = (pairs["access_class"] == "unrated") & (config.unrated_markets == "drop")
    for mask, reason in ((concentrated, "concentrated"), (red, "red_market"),
                         (unrated, "unrated_market")):
        pairs.loc[open_ & mask, "reason"] = reason
        open_ &= ~mask
    return pairs


def _reo_map(pairs: pd.DataFrame, competitors: pd.DataFrame, config: DSMConfig) -> pd.DataFrame:
    """Filter 4: the home country's relative share against its top competitors -> column,
    cell (1-20, row-wise) and untapped potential."""
    reo = pairs[pairs["reason"] == ""].copy()
    rivals = competitors.merge(reo[[]].reset_index(), on=PAIR)
    rivals = rivals.sort_values("value", ascending=False, kind="stable")
    top = rivals.groupby(PAIR).head(config.top_suppliers).groupby(PAIR)["value"].agg(
        top_sum="sum", n_top="size")
    reo = reo.join(top)
    reo["n_top"] = reo["n_top"].fillna(0)
    reo["relative_share"] = (reo["home_exports"] * reo["n_top"] / reo["top_sum"]).where(
        (reo["n_top"] > 0) & (reo["top_sum"] > 0))
    c1, c2, c3 = config.position_cutoffs
    r = reo["relative_share"]
    reo["col_class"] = np.select([r.isna(), r < c1, r < c2, r < c3], [4, 1, 2, 3], 4)
    reo["cell"] = (reo["row_class"] - 1) * 4 + reo["col_class"]
    benchmark = (reo["top_sum"] / reo["n_top"]).where(reo["n_top"] > 0).fillna(0.0)
    reo["untapped_potential"] = np.maximum(0.0, benchmark - reo["home_exports"])
    return reo


def _frames(flows: Flows, pairs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(opportunities, excluded) with ISO3 markets and 6-character HS6 codes."""
    table = pairs.reset_index()
    table.insert(0, "market", np.asarray(flows.names)[table.pop("importer").to_numpy()])
    table["product"] = table["product"].map("{:06d}".format)
    table = table.rename(columns={"m": "import_value"})
    opportunities = table[table["reason"] == ""].drop(columns="reason")
    opportunities = opportunities.astype({"cell": int, "row_class": int, "col_class": int})
    return (opportunities.reset_index(drop=True),
            table.loc[table["reason"] != "", ["market", "product", "reason"]]
            .reset_index(drop=True))


def _structure(frame: pd.DataFrame, year: int, since: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Year t imports by (importer, product, exporter), and earlier imports by (importer,
    product, year) from `since`; only positive sums (a flow summed to zero is no flow)."""
    now = frame[frame["year"] == year].groupby([*PAIR, "exporter"])["value"].sum()
    earlier = frame[(frame["year"] >= since) & (frame["year"] < year)]
    history = earlier.groupby([*PAIR, "year"])["value"].sum()
    return now[now > 0].reset_index(), history[history > 0].reset_index()


@contextmanager
def _optional_store(store: Store | None) -> Iterator[Store]:
    """The given store, or an empty in-memory one (no macro data: filter 1 passes all)."""
    if store is not None:
        yield store
        return
    with Store() as empty:
        yield empty


def run_baseline(paths: Sequence[Path | str], home: str, year: int,
                 config: DSMConfig | None = None, store: Store | None = None) -> BaselineResult:
    """The four filters for one home country, in pandas; `store` supplies filters 1 and 3b."""
    start = time.perf_counter()
    config = config or DSMConfig()
    home = countries.to_iso3(home, where="home")
    flows = read_flows(paths, year - config.long_term_years, year)
    prev, base = _years(set(flows.frame["year"].unique().tolist()), year, config)
    since = min(y for y in (prev, base, year) if y is not None)
    now, history = _structure(flows.frame, year, since)
    position = {name: n for n, name in enumerate(flows.names)}
    with _optional_store(store) as active:
        importers = [flows.names[n] for n in np.unique(now["importer"])]
        screen = screen_markets(active, importers, home, year, config)
        passed = screen.index[screen.isna()].tolist()
        access = access_classes(active, home, passed, year, config)
    pairs = _attractive(now, history, year, (prev, base), [position[m] for m in passed], config)
    is_home = now["exporter"] == position.get(home, -1)
    by_position = pd.Series(access.to_numpy(), index=[position[m] for m in access.index])
    pairs = _accessible(pairs, now[is_home].set_index(PAIR)["value"], by_position, config)
    reo = _reo_map(pairs, now[~is_home], config)
    pairs = pd.DataFrame(pairs.join(reo[["cell", "col_class", "relative_share",
                                         "untapped_potential"]]))
    opportunities, excluded = _frames(flows, pairs)
    markets = pd.DataFrame({"market": screen.index, "filter1_reason": screen.to_numpy(),
                            "access_class": access.reindex(screen.index).to_numpy()})
    return BaselineResult(home, year, opportunities, excluded, markets,
                          any_synthetic(list(paths)), time.perf_counter() - start)
