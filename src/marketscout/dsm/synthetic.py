"""A seeded synthetic world of trade in BACI's layout, for benchmarks, tests and demos.

It writes one Parquet file per year with BACI's columns (t, i, j, k, v, q: year, exporter and
importer BACI codes, HS6 product as 6-character text, value in thousand USD, quantity in
tonnes), a macro table (GDP, GDP per capita, growth) and a manifest. Codes are real; every
number is drawn. Each file carries `synthetic: true` in its Parquet metadata and the manifest
says so, so every result computed from it can (and must) be labelled synthetic.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from marketscout.dsm import _synthetic_world as sw
from marketscout.errors import InputError
from marketscout.provenance import Provenance
from marketscout.store import Store

MANIFEST = "manifest.json"
MACRO_FILE = "macro/macro.parquet"  # apart, so that DIR/*.parquet is the trade only
SYNTHETIC_KEY = b"synthetic"
LABEL = "SYNTHETIC"
NOTICE = ("SYNTHETIC data drawn by marketscout's world generator: real country and product "
          "codes, invented flows and values. Not real trade; never report it as such.")
TRADE_SCHEMA = pa.schema([("t", pa.int32()), ("i", pa.int32()), ("j", pa.int32()),
                          ("k", pa.string()), ("v", pa.float64()), ("q", pa.float64())])
# World Bank codes for the macro table, so it loads into `wb_indicator` like the real WDI and
# filter 1 reads it with its default codes (DSMConfig.gdp_indicator etc., PPP GDP).
MACRO_INDICATORS = {
    "gdp": "NY.GDP.MKTP.PP.CD", "gdp_per_capita": "NY.GDP.PCAP.PP.CD",
    "population": "SP.POP.TOTL", "gdp_growth": "NY.GDP.MKTP.KD.ZG",
}
_CHUNK_CELLS = 1_500_000  # exporters are generated and written in groups of about this size


@dataclass(frozen=True)
class WorldSpec:
    """The shape of a synthetic world; with the seed it fixes every byte written."""

    countries: int = 220
    products: int = 5000
    years: int = 6
    last_year: int = 2021
    rows_per_year: int = 8_000_000
    seed: int = 2026

    @property
    def year_range(self) -> list[int]:
        return list(range(self.last_year - self.years + 1, self.last_year + 1))


@dataclass(frozen=True)
class SyntheticWorld:
    """A generated world on disk: its trade files by year, macro file and manifest."""

    folder: Path
    spec: WorldSpec
    trade_files: dict[int, Path]
    macro_file: Path
    rows: dict[int, int]
    seconds: float

    @property
    def paths(self) -> list[Path]:
        return [self.trade_files[y] for y in sorted(self.trade_files)]


def generate_world(spec: WorldSpec, out: Path) -> SyntheticWorld:
    """Draw the world described by `spec` and write it to `out` (manifest written last)."""
    _check_spec(spec)
    start = time.perf_counter()
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, 0]))
    countries = sw.country_table(_snapshot_countries(), spec.countries)
    products = sw.product_codes(_snapshot_products(), spec.products, rng)
    out = _prepare_folder(Path(out))  # only once the spec is known to be possible
    growth = sw.macro_growth(len(countries), spec.years + sw.MACRO_LEAD_YEARS, rng)
    world = sw.build_universe(countries, products, spec.years, spec.rows_per_year, growth, rng)
    files = {y: out / f"BACI_SYNTHETIC_Y{y}.parquet" for y in spec.year_range}
    rows = _write_trade(world, spec, files)
    macro = sw.macro_table(countries, world, growth, spec.year_range[0], rng)
    metadata = {SYNTHETIC_KEY: b"true", b"marketscout": json.dumps(asdict(spec)).encode()}
    (out / MACRO_FILE).parent.mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pandas(macro, preserve_index=False)
                   .replace_schema_metadata(metadata), out / MACRO_FILE)
    seconds = time.perf_counter() - start
    _write_manifest(out, spec, files, rows, countries)
    return SyntheticWorld(out, spec, files, out / MACRO_FILE, rows, seconds)


def _check_spec(spec: WorldSpec) -> None:
    checks = {
        "--years": (spec.years >= 2, "at least 2 years (6 for the long-term growth test)"),
        "--rows-per-year": (spec.rows_per_year >= 100, "at least 100 rows a year"),
        "--products": (spec.products >= 5, "at least 5 products"),
        "--seed": (spec.seed >= 0, "a seed of 0 or more"),
    }
    for where, (ok, need) in checks.items():
        if not ok:
            raise InputError(f"A synthetic world needs {need}.", where=where,
                             fix=f"Change {where}.")
    dense = spec.countries * (spec.countries - 1) * spec.products * 0.6 * sw.ACTIVE_SHARE
    if spec.rows_per_year > dense:
        raise InputError(
            f"{spec.rows_per_year:,} rows a year do not fit in {spec.countries} countries x "
            f"{spec.products} products (at most about {int(dense):,}).",
            where="--rows-per-year", fix="Ask for fewer rows or more countries or products.")


def _prepare_folder(out: Path) -> Path:
    """Refuse a folder holding anything but an earlier synthetic world, then clear that."""
    if out.exists() and not out.is_dir():
        raise InputError("The output path is a file, not a folder.", where=str(out),
                         fix="Choose a new or empty folder with --out.")
    if out.exists() and any(out.iterdir()):
        if not is_synthetic(out):
            raise InputError(
                "The output folder is not empty and holds no synthetic world.",
                where=str(out), fix="Choose a new or empty folder with --out.")
        for old in [*out.glob("*.parquet"), out / MACRO_FILE]:
            old.unlink(missing_ok=True)
        (out / MANIFEST).unlink()
    out.mkdir(parents=True, exist_ok=True)
    return out


def _exporter_groups(cells: np.ndarray) -> Iterator[list[int]]:
    """Consecutive exporters whose cells add up to about _CHUNK_CELLS."""
    group: list[int] = []
    size = 0
    for i, n in enumerate(cells):
        group.append(i)
        size += int(n)
        if size >= _CHUNK_CELLS:
            yield group
            group, size = [], 0
    if group:
        yield group


def _write_trade(world: sw.Universe, spec: WorldSpec, files: dict[int, Path]) -> dict[int, int]:
    """Generate exporters group by group and append each year's rows to that year's file."""
    metadata = {SYNTHETIC_KEY: b"true", b"marketscout": json.dumps(asdict(spec)).encode()}
    schema = TRADE_SCHEMA.with_metadata(metadata)
    writers = {y: pq.ParquetWriter(path, schema, compression="zstd",
                                    use_dictionary=["t", "i", "j", "k"])
               for y, path in files.items()}
    rows = dict.fromkeys(files, 0)
    dictionary = pa.array(world.products.astype(str), pa.string())
    try:
        for group in _exporter_groups(world.cells):
            block = _group_flows(world, spec.seed, group)
            for step, year in enumerate(spec.year_range):
                table = _year_table(year, block, step, world.codes, dictionary)
                writers[year].write_table(table)
                rows[year] += table.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    return rows


def _group_flows(world: sw.Universe, seed: int, group: Sequence[int]) -> dict[str, np.ndarray]:
    """Cells and yearly values of a group of exporters; one seeded stream per exporter, so
    the world does not depend on how exporters are grouped."""
    parts: dict[str, list[np.ndarray]] = {"i": [], "key": [], "v": [], "q": []}
    for i in group:
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1, int(world.codes[i])]))
        keys = sw.exporter_cells(world, i, rng)
        value, quantity = sw.exporter_flows(world, i, keys, rng)
        parts["i"].append(np.full(len(keys), world.codes[i], dtype=np.int32))
        parts["key"].append(keys)
        parts["v"].append(value)
        parts["q"].append(quantity)
    return {"i": np.concatenate(parts["i"]), "key": np.concatenate(parts["key"]),
            "v": np.concatenate(parts["v"], axis=1), "q": np.concatenate(parts["q"], axis=1)}


def _year_table(year: int, block: dict[str, np.ndarray], step: int, codes: np.ndarray,
                dictionary: pa.Array) -> pa.Table:
    """One year's rows of a group, in BACI's column layout and order (i, j, k)."""
    value = block["v"][step]
    present = ~np.isnan(value)
    keys = block["key"][present]
    p = len(dictionary)
    quantity = block["q"][step][present]
    return pa.table({
        "t": pa.array(np.full(len(keys), year, dtype=np.int32)),
        "i": pa.array(block["i"][present]),
        "j": pa.array(codes[keys // p]),
        "k": dictionary.take(pa.array((keys % p).astype(np.int32))),
        "v": pa.array(value[present]),
        "q": pa.array(quantity, mask=np.isnan(quantity)),
    }, schema=TRADE_SCHEMA)


def _write_manifest(out: Path, spec: WorldSpec, files: dict[int, Path], rows: dict[int, int],
                    countries: pd.DataFrame) -> None:
    manifest = {
        "synthetic": True,
        "notice": NOTICE,
        "generator": "marketscout.dsm.synthetic",
        "spec": asdict(spec),
        "layout": "BACI: t year, i exporter, j importer (BACI codes), k HS6 product (text), "
                  "v value (thousand USD), q quantity (tonnes)",
        "trade": {str(y): files[y].name for y in sorted(files)},
        "rows": {str(y): rows[y] for y in sorted(rows)},
        "macro": MACRO_FILE,
        "macro_indicators": MACRO_INDICATORS,
        "countries": {str(c): iso for c, iso in zip(countries["code"], countries["iso3"],
                                                    strict=True)},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a synthetic world folder."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise InputError("No synthetic world here (manifest.json is missing).", where=str(path),
                         fix="Generate one with `marketscout dsm synth --out FOLDER`.")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_world(folder: Path) -> SyntheticWorld:
    """A world generated earlier (for example a benchmark's cached one)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    spec = WorldSpec(**manifest["spec"])
    files = {int(y): folder / name for y, name in manifest["trade"].items()}
    rows = {int(y): int(n) for y, n in manifest["rows"].items()}
    return SyntheticWorld(folder, spec, files, folder / manifest["macro"], rows, 0.0)


def is_synthetic(path: Path | str) -> bool:
    """True for a synthetic world folder, or a Parquet file marked `synthetic: true`."""
    path = Path(path)
    if path.is_dir():
        manifest = path / MANIFEST
        if not manifest.exists():
            return False
        return bool(json.loads(manifest.read_text(encoding="utf-8")).get("synthetic"))
    if path.suffix != ".parquet" or not path.exists():
        return False
    metadata = pq.read_schema(path).metadata or {}
    return metadata.get(SYNTHETIC_KEY) == b"true"


def any_synthetic(paths: Sequence[Path | str]) -> bool:
    """True when any of the given trade files or folders is synthetic."""
    return any(is_synthetic(p) for p in paths)


def macro_indicators(world: SyntheticWorld) -> pd.DataFrame:
    """The macro table in the store's `wb_indicator` layout (iso3, year, indicator, value)."""
    macro = pd.read_parquet(world.macro_file)
    long = macro.melt(id_vars=["iso3", "year"], value_vars=list(MACRO_INDICATORS),
                      var_name="indicator", value_name="value")
    long["indicator"] = long["indicator"].map(MACRO_INDICATORS)
    return long[["iso3", "year", "indicator", "value"]]


def macro_provenance(world: SyntheticWorld) -> Provenance:
    """Provenance for loading the synthetic macro table into a (separate) store."""
    years = world.spec.year_range
    return Provenance(
        source_id="synthetic_macro", title=f"{LABEL} macro data (GDP, GDP per capita, growth)",
        publisher="marketscout synthetic world generator (not real data)",
        url=f"file://{world.folder.resolve()}", licence="generated",
        edition=f"seed {world.spec.seed}",
        countries=world.spec.countries, years=f"{years[0] - sw.MACRO_LEAD_YEARS}-{years[-1]}",
        note=NOTICE,
    )


def load_world_inputs(store: Store, world: SyntheticWorld, *, geography: bool = True) -> None:
    """Load the world's macro table (filter 1) into `store`, and with `geography` the
    snapshot's real CEPII distances and World Bank LPI (filter 3b; the world's countries sit
    at their real capitals). The store must hold no other macro data: a synthetic GDP next
    to a real one would mix the two in filter 1."""
    others = store.query("SELECT DISTINCT source_id FROM wb_indicator WHERE source_id <> ?",
                         ["synthetic_macro"])
    if len(others):
        raise InputError(
            "This store already holds real macro data; synthetic GDP would mix with it.",
            where=f"{store.path}, table wb_indicator ({', '.join(others['source_id'])})",
            fix="Load a synthetic world into a separate store, e.g. an in-memory Store().")
    store.load({"wb_indicator": macro_indicators(world)}, macro_provenance(world))
    if geography:
        from marketscout.snapshot import read_manifest as snapshot_manifest
        from marketscout.snapshot import snapshot_dir

        for entry in snapshot_manifest()["sources"]:
            tables = {t: f for t, f in entry["tables"].items() if t in ("distance", "lpi")}
            if tables:
                frames = {t: pd.read_parquet(snapshot_dir() / f) for t, f in tables.items()}
                store.load(frames, Provenance.from_dict(entry["provenance"]))


def _snapshot_table(name: str) -> pd.DataFrame | None:
    from marketscout.snapshot import snapshot_dir

    path = snapshot_dir() / name
    return pd.read_parquet(path) if path.exists() else None


def _snapshot_countries() -> pd.DataFrame | None:
    """BACI's country table with each country's rank by GDP (World Bank, latest year)."""
    table = _snapshot_table("baci_country_codes__baci_country.parquet")
    wdi = _snapshot_table("wb_wdi__wb_indicator.parquet")
    if table is None:
        return None
    table = table.assign(gdp_rank=np.nan)
    geo = _snapshot_table("cepii_geo__geography.parquet")
    if geo is not None:
        table = table.merge(geo[["iso3", "lat", "lon"]], on="iso3", how="left")
    else:
        table = table.assign(lat=np.nan, lon=np.nan)
    if wdi is not None:
        gdp = wdi[wdi["indicator"] == "NY.GDP.MKTP.PP.CD"].dropna(subset=["value"])
        latest = gdp.sort_values("year").groupby("iso3")["value"].last()
        table["gdp_rank"] = table["iso3"].map(latest.rank(ascending=False, method="first"))
    return table


def _snapshot_products() -> pd.Series | None:
    table = _snapshot_table("baci_product_codes__baci_product.parquet")
    return None if table is None else table["code"]
