"""The synthetic world generator: deterministic, the requested shape, valid BACI codes,
positive values, and marked synthetic everywhere its data goes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from marketscout.dsm._synthetic_world import cells_per_exporter
from marketscout.dsm.synthetic import (
    MACRO_INDICATORS,
    WorldSpec,
    generate_world,
    is_synthetic,
    load_world,
    load_world_inputs,
    macro_indicators,
)
from marketscout.errors import InputError
from marketscout.snapshot import snapshot_dir
from marketscout.store import Store

Run = Callable[..., tuple[int, str, str]]
SPEC = WorldSpec(countries=30, products=200, years=6, rows_per_year=20_000, seed=11)
LTU, HUBS = 440, (528, 56, 702, 344)  # Lithuania; NLD, BEL, SGP, HKG


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    generate_world(SPEC, folder)
    return folder


def trade(folder: Path) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in sorted(folder.glob("BACI_*.parquet"))],
                     ignore_index=True)


def test_same_seed_same_bytes_other_seed_other_world(world_dir: Path, tmp_path: Path) -> None:
    again = generate_world(SPEC, tmp_path / "again")
    for year, path in again.trade_files.items():
        assert path.read_bytes() == (world_dir / path.name).read_bytes(), year
    assert (tmp_path / "again" / "macro" / "macro.parquet").read_bytes() == (
        world_dir / "macro" / "macro.parquet").read_bytes()
    other = generate_world(WorldSpec(**{**SPEC.__dict__, "seed": 12}), tmp_path / "other")
    assert not trade(other.folder).equals(trade(world_dir))


def test_layout_is_bacis(world_dir: Path) -> None:
    schema = pq.read_schema(world_dir / "BACI_SYNTHETIC_Y2021.parquet")
    assert schema.names == ["t", "i", "j", "k", "v", "q"]
    assert [schema.field(c).type for c in schema.names] == [
        pa.int32(), pa.int32(), pa.int32(), pa.string(), pa.float64(), pa.float64()]
    assert sorted(p.name for p in world_dir.glob("BACI_*.parquet")) == [
        f"BACI_SYNTHETIC_Y{y}.parquet" for y in range(2016, 2022)]


def test_shape_codes_and_values(world_dir: Path) -> None:
    flows = trade(world_dir)
    per_year = flows.groupby("t").size()
    assert per_year.index.tolist() == list(range(2016, 2022))
    # each cell is active in a year with probability 0.84 on average: about 20,000 rows a year
    assert per_year.between(19_000, 21_000).all(), per_year.to_dict()
    baci = pd.read_parquet(snapshot_dir() / "baci_country_codes__baci_country.parquet")
    countries = set(flows["i"]) | set(flows["j"])
    assert len(countries) == 30 and countries <= set(baci["code"])
    assert {LTU, *HUBS} <= countries
    hs92 = set(pd.read_parquet(snapshot_dir() / "baci_product_codes__baci_product.parquet")["code"])
    products = set(flows["k"])
    assert len(products) <= 200 and products <= hs92
    assert flows["k"].str.fullmatch(r"\d{6}").all()
    assert (flows["i"] != flows["j"]).all()
    assert not flows.duplicated(["t", "i", "j", "k"]).any()
    assert (flows["v"] > 0).all() and (flows["v"] == flows["v"].round(3)).all()
    assert (flows["q"].dropna() > 0).all() and 0.0 < flows["q"].isna().mean() < 0.06


def test_structure_is_trade_like(world_dir: Path) -> None:
    flows = trade(world_dir)
    latest = flows[flows["t"] == 2021]
    # heavy tail: the largest 1% of flows carry a large part of the value
    top = latest["v"].nlargest(len(latest) // 100).sum() / latest["v"].sum()
    assert top > 0.3
    # sparsity: far fewer flows than exporter x importer x product cells
    assert len(latest) < 0.2 * 30 * 29 * 200
    # most flows persist from one year to the next
    keys = flows.set_index(["i", "j", "k"])
    kept = keys.loc[keys["t"] == 2021].index.isin(keys.loc[keys["t"] == 2020].index).mean()
    assert kept > 0.7
    # hubs re-export: each ranks higher by number of export flows than by GDP
    macro = pd.read_parquet(world_dir / "macro" / "macro.parquet")
    gdp_rank = macro[macro["year"] == 2021].set_index("code")["gdp"].rank(ascending=False)
    flow_rank = latest.groupby("i").size().rank(ascending=False)
    assert (flow_rank.loc[list(HUBS)] < gdp_rank.loc[list(HUBS)]).all()


def test_macro_table_is_consistent(world_dir: Path) -> None:
    macro = pd.read_parquet(world_dir / "macro" / "macro.parquet").sort_values(["iso3", "year"])
    assert macro["year"].min() == 2011 and macro["year"].max() == 2021
    assert len(macro) == 30 * 11 and (macro["gdp"] > 0).all()
    np.testing.assert_allclose(macro["gdp_per_capita"] * macro["population"], macro["gdp"],
                               rtol=1e-9)
    # GDP grows at the stated growth rate from one year to the next
    ratio = macro.groupby("iso3")["gdp"].pct_change() * 100
    np.testing.assert_allclose(ratio.dropna(), macro.loc[ratio.notna(), "gdp_growth"], rtol=1e-9)
    long = macro_indicators(load_world(world_dir))
    assert set(long["indicator"]) == set(MACRO_INDICATORS.values())


def test_marked_synthetic_in_files_and_manifest(world_dir: Path, tmp_path: Path) -> None:
    manifest = json.loads((world_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and "SYNTHETIC" in manifest["notice"]
    assert manifest["spec"]["seed"] == 11
    for path in world_dir.rglob("*.parquet"):
        assert pq.read_metadata(path).metadata[b"synthetic"] == b"true", path
        assert is_synthetic(path)
    assert is_synthetic(world_dir)
    assert not is_synthetic(tmp_path)
    with Store() as store:
        load_world_inputs(store, load_world(world_dir))
        (record,) = store.provenance("synthetic_macro")
        assert "SYNTHETIC" in record.title and "not real" in record.publisher


def test_synthetic_macro_never_mixes_with_real_data(world_dir: Path) -> None:
    with Store() as store:
        store.query("INSERT INTO wb_indicator VALUES ('wb_wdi', 'LTU', 2021, 'x', 1.0)")
        with pytest.raises(InputError, match="real macro data"):
            load_world_inputs(store, load_world(world_dir))


def test_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        generate_world(SPEC, tmp_path)
    assert (tmp_path / "notes.txt").exists()


@pytest.mark.parametrize(("change", "where"), [
    ({"countries": 500}, "--countries"), ({"products": 6000}, "--products"),
    ({"years": 1}, "--years"), ({"rows_per_year": 10_000_000}, "--rows-per-year")])
def test_impossible_worlds_are_refused(change: dict[str, int], where: str,
                                       tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        generate_world(WorldSpec(**{**SPEC.__dict__, **change}), tmp_path / "w")
    assert info.value.where == where
    assert not (tmp_path / "w").exists()


def test_cells_are_shared_by_weight_under_a_cap() -> None:
    # weights 1:1:6 of 10 cells: 1.25, 1.25, 7.5; the third is capped at 4 and the other 6
    # cells are split 3 and 3
    assert cells_per_exporter(np.array([1.0, 1.0, 6.0]), 10, 4).tolist() == [3, 3, 4]
    assert cells_per_exporter(np.array([1.0, 3.0]), 8, 100).tolist() == [2, 6]


def test_synth_command(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("dsm", "synth", "--countries", "12", "--products", "60", "--years", "3",
                       "--rows-per-year", "3000", "--seed", "4", "--out", str(tmp_path / "w"))
    assert code == 0 and "SYNTHETIC" in out
    assert sorted(p.name for p in (tmp_path / "w").glob("*.parquet")) == [
        "BACI_SYNTHETIC_Y2019.parquet", "BACI_SYNTHETIC_Y2020.parquet",
        "BACI_SYNTHETIC_Y2021.parquet"]
    code, _, err = run("dsm", "synth", "--countries", "500", "--out", str(tmp_path / "x"))
    assert code == 2 and "--countries" in err and not (tmp_path / "x").exists()
