"""Trade input for the DSM: layouts, the real BACI sample, and bad input with clear errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dsm import hand_world as hw
from marketscout.dsm.catalog import convert_baci_csv, default_source, register_trade
from marketscout.dsm.engine import run_dsm
from marketscout.dsm.trade import TradeSource
from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.baci import parse_trade
from marketscout.store import Store

HEADER = '"t","i","j","k","v","q"\n'


def baci_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def one_year(tmp_path: Path, rows: list[str]) -> TradeSource:
    return TradeSource.files(baci_csv(tmp_path / "BACI_TEST_Y2021.csv", rows))


GOOD = ['2021,440,276,10110,10.5,"        1.000"', '2021,616,276,10110,20,"   NA"']


# --- the real sample (../shared/data) ------------------------------------------------------


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The embedded snapshot's macro, distance and LPI tables (no trade rows needed)."""
    from marketscout.snapshot import load_snapshot

    store = Store(tmp_path_factory.mktemp("snap") / "s.duckdb")
    load_snapshot(store)
    return store


@pytest.mark.rawdata
def test_real_sample_runs_for_south_africa(raw_data: Path, sample_store: Store) -> None:
    """One year, two exporters: growth cannot be tested, so every opportunity is in row 1,
    and the run says why. Values are checked against the raw file read independently."""
    csv = raw_data / "trade" / "baci_hs92_2021_sample_zaf_afg.csv"
    result = run_dsm(TradeSource.files(csv), "ZAF", 2021, store=sample_store)
    joined = " ".join(result.warnings)
    assert "only 2 exporters in 2021" in joined
    assert "no trade data for 2020" in joined and "no trade data for 2016-2019" in joined
    assert "Only the row 'large market'" in joined
    assert set(result.opportunities["row_class"]) == {1}
    assert not result.opportunities.empty
    raw = pd.read_csv(csv, dtype={"k": int})
    apples = raw[(raw["j"] == 699) & (raw["k"] == 80810)]  # India (BACI 699), apples
    opp = result.opportunities.set_index(["market", "product"]).loc[("IND", "080810")]
    assert opp["import_value"] == pytest.approx(apples["v"].sum())
    assert opp["home_exports"] == pytest.approx(apples.loc[apples["i"] == 710, "v"].sum())
    funnel = result.funnel["product_markets"].tolist()
    assert funnel == sorted(funnel, reverse=True) and funnel[0] == raw[
        raw["j"] != 710].groupby(["j", "k"]).ngroups


@pytest.mark.rawdata
def test_real_sample_as_parquet_gives_the_same(raw_data: Path, sample_store: Store,
                                               tmp_path: Path) -> None:
    """BACI CSV -> Parquet through sources.baci.parse_trade, registered in the store."""
    csv = raw_data / "trade" / "baci_hs92_2021_sample_zaf_afg.csv"
    prov = convert_baci_csv(csv, tmp_path / "sample.parquet")
    assert prov.partial and prov.rows == 71192
    store = Store()
    source_id = register_trade(store, tmp_path / "sample.parquet", prov)
    source = default_source(store)
    assert source.paths == (str((tmp_path / "sample.parquet").resolve()),)
    assert source_id == "dsm_trade_baci_hs92_2021" and source.provenance[0].partial
    direct = run_dsm(TradeSource.files(csv), "ZAF", 2021, store=sample_store)
    converted = run_dsm(source, "ZAF", 2021, store=sample_store)
    assert any("partial sample" in w for w in converted.warnings)
    pd.testing.assert_frame_equal(direct.opportunities, converted.opportunities)


# --- layouts -------------------------------------------------------------------------------


def test_store_table_and_own_layout(fixtures: Path, store: Store) -> None:
    """The store's trade_flow (ISO3 codes, 6-character products) gives the same as the CSV."""
    csv = fixtures / "baci" / "BACI_HS92_Y2021_V202301_small.csv"
    parsed = parse_trade(csv)
    store.load(parsed.tables, parsed.provenance)
    from_store = run_dsm(default_source(store), "LTU", 2021, store=store)
    from_csv = run_dsm(TradeSource.files(csv), "LTU", 2021, store=store)
    pd.testing.assert_frame_equal(from_store.markets, from_csv.markets)
    assert from_store.funnel["product_markets"].iloc[0] == 6  # six flows, none into LTU


def test_rows_for_the_same_flow_are_summed(tmp_path: Path) -> None:
    source = one_year(tmp_path, [*GOOD, '2021,616,276,10110,5,""'])
    result = run_dsm(source, "LTU", 2021)
    assert result.excluded["import_value"].tolist() + result.opportunities[
        "import_value"].tolist() == [35.5]


def test_non_country_partners_are_dropped_with_a_note(tmp_path: Path) -> None:
    source = one_year(tmp_path, [*GOOD, '2021,697,276,10110,7.5,""'])
    result = run_dsm(source, "LTU", 2021)
    assert any("Dropped 1 flows worth 7.5 thousand USD" in w and "697 Europe EFTA" in w
               for w in result.warnings)


def test_synthetic_files_are_marked(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(hw.flows(), preserve_index=False)
    pq.write_table(table.replace_schema_metadata({b"synthetic": b"true"}), tmp_path / "w.parquet")
    result = run_dsm(TradeSource.files(tmp_path / "w.parquet"), "LTU", 2021, hw.CONFIG)
    assert result.synthetic and result.warnings[0].startswith("SYNTHETIC DATA")


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "error", "message"), [
    (['2021,440,276,10110,-3,""'], InputError, "1 trade row\\(s\\) with a negative value"),
    (['2021,440,276,1011,3,""'], InputError, "product code that is not HS6, e.g. .*k = 1011"),
    (['2021,440,276,1234567,3,""'], InputError, "product code that is not HS6"),
    (['2021,440,276,10110,,""'], InputError, "missing value"),
    (['2021,440,999,10110,3,""'], UnknownCountryError, "Unknown country code 999"),
    (['2021,440,276,abc,3,""'], InputError, "cannot be read"),
])
def test_bad_rows_name_the_file(tmp_path: Path, rows: list[str], error: type[Exception],
                                message: str) -> None:
    source = one_year(tmp_path, rows)
    with pytest.raises(error, match=message) as caught:
        run_dsm(source, "LTU", 2021)
    assert "BACI_TEST_Y2021.csv" in str(caught.value)


def test_bad_text_product_codes(tmp_path: Path) -> None:
    frame = pd.DataFrame({"year": [2021], "exporter": ["LTU"], "importer": ["DEU"],
                          "product": ["0101"], "value": [1.0]})
    frame.to_parquet(tmp_path / "own.parquet")
    with pytest.raises(InputError, match="product = 0101"):
        run_dsm(TradeSource.files(tmp_path / "own.parquet"), "LTU", 2021)
    frame.assign(product="010110", importer="XXX").to_parquet(tmp_path / "own.parquet")
    with pytest.raises(UnknownCountryError, match="'XXX'"):
        run_dsm(TradeSource.files(tmp_path / "own.parquet"), "LTU", 2021)


def test_missing_columns_files_and_mixed_formats(tmp_path: Path) -> None:
    (tmp_path / "odd.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="need the columns t, i, j, k, v"):
        run_dsm(TradeSource.files(tmp_path / "odd.csv"), "LTU", 2021)
    with pytest.raises(InputError, match="No trade file found"):
        run_dsm(TradeSource.files(tmp_path / "none*.parquet"), "LTU", 2021)
    hw.flows().to_parquet(tmp_path / "w.parquet")
    with pytest.raises(InputError, match="must all be Parquet or all CSV"):
        run_dsm(TradeSource.files(tmp_path / "w.parquet", tmp_path / "odd.csv"), "LTU", 2021)


def test_glob_and_folder_paths(tmp_path: Path) -> None:
    folder = hw.write_world(tmp_path / "w")
    by_glob = run_dsm(TradeSource.files(folder / "BACI_HAND_Y*.parquet"), "LTU", 2021, hw.CONFIG)
    by_folder = run_dsm(TradeSource.files(folder), "LTU", 2021, hw.CONFIG)
    pd.testing.assert_frame_equal(by_glob.opportunities, by_folder.opportunities)


def test_missing_product_code(tmp_path: Path) -> None:
    frame = pd.DataFrame({"year": [2021, 2021], "exporter": ["LTU", "POL"],
                          "importer": ["DEU", "DEU"], "product": [None, "010110"],
                          "value": [1.0, 2.0]})
    frame.to_parquet(tmp_path / "own.parquet")
    with pytest.raises(InputError, match="1 trade row\\(s\\) with a missing value"):
        run_dsm(TradeSource.files(tmp_path / "own.parquet"), "LTU", 2021)


def test_the_latest_year_and_exporters_per_year_of_csv_and_parquet(tmp_path: Path) -> None:
    """`dsm run` without --year takes the latest year of the files (two years, hand-made)."""
    from marketscout.dsm.available import latest_trade_year, trade_years

    older = baci_csv(tmp_path / "BACI_TEST_Y2019.csv", ['2019,440,276,10110,1,"1"'])
    newer = baci_csv(tmp_path / "BACI_TEST_Y2021.csv", [
        '2021,440,276,10110,1,"1"', '2021,616,276,10110,2,"1"', '2021,616,251,10110,2,"1"'])
    source = TradeSource.files(older, newer)
    assert latest_trade_year(source) == 2021
    assert trade_years(source) == {2019: 1, 2021: 2}
    parquet = tmp_path / "flows.parquet"
    pd.DataFrame({"t": [2018, 2020], "i": [440, 616], "j": [276, 276], "k": [10110, 10110],
                  "v": [1.0, 2.0], "q": [1.0, 1.0]}).to_parquet(parquet)
    assert latest_trade_year(TradeSource.files(parquet)) == 2020
