"""`engine="spark"` runs the DuckDB engine's own SQL, transpiled, on Spark local mode: the
identical opportunities, cells, markets, exclusions and funnel on the hand world and on the
synthetic worlds and configs the DuckDB tests use, flat or year-partitioned Parquet."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dsm import hand_world as hw
from dsm.test_baseline import CONFIGS, SMALL, _store_with_world
from marketscout.dsm.config import DSMConfig
from marketscout.dsm.engine import DSMResult, run_dsm, run_dsm_all
from marketscout.dsm.synthetic import generate_world
from marketscout.dsm.trade import TradeSource
from marketscout.errors import InputError
from marketscout.store import Store

pytestmark = pytest.mark.xdist_group("spark")  # one worker, one JVM
KEYS = {"opportunities": ["market", "product"], "markets": ["market"],
        "excluded": ["market", "product"]}


def assert_same(duck: DSMResult, spark: DSMResult) -> None:
    """Equal frames (dtypes included; floats to 1e-12, since sums may add in another order)."""
    for name, keys in KEYS.items():
        a = getattr(duck, name).sort_values(keys).reset_index(drop=True)
        b = getattr(spark, name).sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, obj=name)
    pd.testing.assert_frame_equal(duck.funnel, spark.funnel, obj="funnel")
    assert duck.warnings == spark.warnings
    assert duck.synthetic == spark.synthetic


def test_hand_world_configs(spark: Any, tmp_path: Path) -> None:
    folder = hw.write_world(tmp_path / "hw")
    with Store() as store:
        hw.load_inputs(store)
        for config in (hw.CONFIG, replace(hw.CONFIG, zero_base="new_market")):
            duck = run_dsm(TradeSource.files(folder), "LTU", 2021, config, store)
            assert len(duck.opportunities) > 0
            assert_same(duck, run_dsm(TradeSource.files(folder), "LTU", 2021, config, store,
                                      engine=spark))


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_world(SMALL, tmp_path_factory.mktemp("small")).paths


# test_baseline's three configs (each Spark run costs seconds of fixed overhead in local mode,
# so each config runs once; between them they meet every filter 1 rule, concentration, red
# markets, both homes, with and without risk ratings, tariffs and NTMs).
@pytest.mark.parametrize(("name", "extra", "home"), [
    ("defaults", True, "NLD"), ("strict", False, "LTU"), ("loose", True, "LTU")])
def test_synthetic_worlds(spark: Any, small_world: list[Path], name: str, extra: bool,
                          home: str) -> None:
    """test_baseline's worlds and configs: every filter 1 rule, concentration, red markets."""
    with _store_with_world(small_world, extra) as store:
        source = TradeSource.files(*small_world)
        duck = run_dsm(source, home, 2021, CONFIGS[name], store)
        assert_same(duck, run_dsm(source, home, 2021, CONFIGS[name], store, engine=spark))
    assert duck.synthetic and len(duck.opportunities) > 0


@pytest.mark.parametrize("years", [3])
def test_few_years(spark: Any, years: int, tmp_path: Path) -> None:
    paths = generate_world(replace(SMALL, years=years, seed=8), tmp_path / "w").paths
    with _store_with_world(paths, extra=False) as store:
        duck = run_dsm(TradeSource.files(*paths), "LTU", 2021, DSMConfig(), store)
        assert_same(duck, run_dsm(TradeSource.files(*paths), "LTU", 2021, DSMConfig(), store,
                                  engine=spark))


def partition(paths: list[Path], folder: Path) -> Path:
    """The same rows as a Hive-partitioned dataset: folder/t=YYYY/part-0.parquet."""
    for path in paths:
        table = pq.read_table(path)
        year = table.column("t")[0].as_py()
        target = folder / f"t={year}"
        target.mkdir(parents=True)
        pq.write_table(table.drop(["t"]).replace_schema_metadata(table.schema.metadata),
                       target / "part-0.parquet")
    return folder


def test_partitioned_by_year_read_by_both(spark: Any, small_world: list[Path],
                                          tmp_path: Path) -> None:
    dataset = partition(small_world, tmp_path / "dataset")
    with _store_with_world(small_world, extra=True) as store:
        flat = run_dsm(TradeSource.files(*small_world), "LTU", 2021, DSMConfig(), store)
        duck = run_dsm(TradeSource.files(dataset), "LTU", 2021, DSMConfig(), store)
        on_spark = run_dsm(TradeSource.files(dataset), "LTU", 2021, DSMConfig(), store,
                           engine=spark)
    assert duck.years == flat.years == tuple(range(2016, 2022))
    pd.testing.assert_frame_equal(flat.opportunities, duck.opportunities)
    assert_same(duck, on_spark)


def test_all_exporters(spark: Any, tmp_path: Path) -> None:
    folder = hw.write_world(tmp_path / "hw")
    with Store() as store:
        hw.load_inputs(store)
        duck = run_dsm_all(TradeSource.files(folder), 2021, hw.CONFIG, store,
                           output=tmp_path / "duck.parquet")
        done = run_dsm_all(TradeSource.files(folder), 2021, hw.CONFIG, store,
                           output=tmp_path / "spark_out", engine=spark)
    keys = ["home", "market"]
    pd.testing.assert_frame_equal(duck.summary.sort_values(keys).reset_index(drop=True),
                                  done.summary.sort_values(keys).reset_index(drop=True))
    assert done.homes == duck.homes and done.opportunities == duck.opportunities > 0
    detail = pd.read_parquet(tmp_path / "spark_out")  # a Parquet dataset folder
    assert len(detail) == duck.opportunities


def test_store_table_and_csv(spark: Any, tmp_path: Path) -> None:
    """The store's trade_flow table runs on Spark too; CSV trade files are refused clearly."""
    frame = hw.flows()
    own = pd.DataFrame({"year": frame["t"], "exporter": frame["i"].map(hw.ISO),
                        "importer": frame["j"].map(hw.ISO),
                        "product": frame["k"].map(hw.PRODUCT), "value": frame["v"],
                        "quantity": float("nan")})
    with Store() as store:
        hw.load_inputs(store)
        store.load({"trade_flow": own}, replace(hw.TEST_SOURCE, source_id="hand_trade"))
        source = TradeSource.store("hand_trade")
        duck = run_dsm(source, "LTU", 2021, hw.CONFIG, store)
        assert_same(duck, run_dsm(source, "LTU", 2021, hw.CONFIG, store, engine=spark))
        csv = tmp_path / "trade.csv"
        frame.to_csv(csv, index=False)
        with pytest.raises(InputError, match="Parquet"):
            run_dsm(TradeSource.files(csv), "LTU", 2021, hw.CONFIG, store, engine=spark)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(InputError, match="Unknown DSM engine 'spork'"):
        run_dsm(TradeSource.files("nowhere"), "LTU", 2021, engine="spork")
