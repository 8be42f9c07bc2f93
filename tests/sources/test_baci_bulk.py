"""CEPII BACI bulk archives streamed to Parquet: rows, codes, years, memory-safe blocks, and a
local server that misbehaves (the store and the previous Parquet files stay as they were)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.settings import load_settings
from marketscout.sources import registry
from marketscout.sources._download import Timeouts
from marketscout.sources.baci.bulk import (
    choose_years,
    load_archive,
    open_archive,
    trade_folder,
)
from marketscout.sources.update import update_sources
from marketscout.store import Store
from sources.http_server import Fault, LocalServer

FAST: dict[str, Any] = {"backoff": 0.01, "timeout": Timeouts(2, 2), "retries": 1}
NAME = "BACI_HS92_V202301.zip"
# BACI_HS92_Y2021_V202301.csv of the fixture, by hand: BACI codes through the archive's own
# table (490 "Other Asia, nes" = Taiwan by CEPII's rule), 5-digit products padded to 6, q
# "NA" or blank = missing; the flow to 849 (US Misc. Pacific Isds, no ISO3) is dropped.
ROWS_2021 = [
    (2021, "LTU", "DEU", "010121", 12.5, 3.0),
    (2021, "LTU", "DEU", "847130", 100.25, None),
    (2021, "LTU", "TWN", "847130", 7.125, 0.5),
    (2021, "LTU", "FRA", "030211", 1.0, None),
    (2021, "ZAF", "USA", "710812", 2000.0, 1234.567),
    (2021, "AFG", "IND", "080211", 0.375, 0.01),
]


def members(folder: Path, edit: tuple[str, str, str] | None = None) -> dict[str, bytes]:
    out = {f.name: f.read_bytes() for f in sorted(folder.iterdir())}
    if edit:
        member, old, new = edit
        assert old.encode() in out[member]
        out[member] = out[member].replace(old.encode(), new.encode(), 1)
    return out


def zipped(content: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def folder(fixtures: Path) -> Path:
    return fixtures / "baci_bulk"


@pytest.fixture
def archive(tmp_path: Path, folder: Path) -> Path:
    path = tmp_path / NAME
    path.write_bytes(zipped(members(folder)))
    return path


def rows(path: Path) -> list[tuple[object, ...]]:
    frame = pq.read_table(path).to_pandas()
    frame = frame.astype({c: str for c in ("exporter", "importer", "product")})
    frame["quantity"] = frame["quantity"].astype(object).where(frame["quantity"].notna(), None)
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_a_year_streams_to_parquet_with_the_expected_rows(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "baci" / "HS92"
    loads = load_archive(archive, out, (2021, 2021))
    assert rows(out / "BACI_HS92_Y2021.parquet") == ROWS_2021
    schema = pq.read_schema(out / "BACI_HS92_Y2021.parquet")
    assert str(schema.field("product").type) == "dictionary<values=string, indices=int32, " \
        "ordered=0>"
    record = loads[-1]
    assert record.provenance.source_id == "dsm_trade_baci_hs92_2021"
    assert (record.provenance.rows, record.provenance.countries) == (6, 8)
    assert record.provenance.note.endswith(
        "Dropped 1 flows worth 40.5 thousand USD with partners that are no country "
        "(849 US Misc. Pacific Isds).")
    assert record.tables["trade_file"].to_dict("records") == [{
        "path": str((out / "BACI_HS92_Y2021.parquet").resolve()), "year": 2021,
        "classification": "HS92", "release": "V202301", "rows": 6}]


def test_codes_come_from_the_archive_table(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "baci"
    load_archive(archive, out, (2020, 2020))
    # 899 is in this archive's table (XK / XKX) but in no BACI release the crosswalk knows
    assert rows(out / "BACI_HS92_Y2020.parquet")[3] == (2020, "LTU", "XKX", "080211", 0.5, 0.02)


def test_code_missing_from_the_archive_table(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / NAME  # 156 (China) is a valid code, but not in this archive's table
    path.write_bytes(zipped(members(folder, ("BACI_HS92_Y2021_V202301.csv", "2021,4,699,",
                                            "2021,4,156,"))))
    with pytest.raises(UnknownCountryError, match="156 is not in the archive's country table") \
            as err:
        load_archive(path, tmp_path / "out", (2021, 2021))
    assert f"{NAME}/BACI_HS92_Y2021_V202301.csv, row 7, column 'j'" in str(err.value)
    assert not list((tmp_path / "out").glob("*"))  # no half-written file left


def test_small_blocks_give_the_same_file_and_right_row_numbers(archive: Path, tmp_path: Path,
                                                               folder: Path) -> None:
    from marketscout.sources.baci import bulk as baci_bulk

    lookup, names = baci_bulk.country_lookup(
        baci_bulk.parse_code_tables(open_archive(archive))[0].tables["baci_country"])
    opened = open_archive(archive)
    done = baci_bulk.write_years(opened, [2021], tmp_path / "small", lookup, names,
                                 baci_bulk.trade_base(opened), block_size=64)
    assert rows(done[0].path) == ROWS_2021
    assert pq.ParquetFile(done[0].path).metadata.num_row_groups > 1  # several blocks
    bad = tmp_path / "bad" / NAME
    bad.parent.mkdir()
    bad.write_bytes(zipped(members(folder, ("BACI_HS92_Y2021_V202301.csv", ",0.375,",
                                            ",O.375,"))))
    opened = open_archive(bad)
    with pytest.raises(InputError, match=r"Not a number: 'O\.375'") as err:
        baci_bulk.write_years(opened, [2021], tmp_path / "bad", lookup, names,
                              baci_bulk.trade_base(opened), block_size=64)
    assert "row 7, column 'v'" in str(err.value)


def test_years_asked_default_and_missing(archive: Path) -> None:
    opened = open_archive(archive)
    assert (opened.classification, opened.release) == ("HS92", "V202301")
    assert choose_years(opened, None) == [2019, 2020, 2021]  # all, fewer than six
    assert choose_years(opened, (2020, 2021)) == [2020, 2021]
    with pytest.raises(InputError, match="2017, 2018 are not in this BACI release") as err:
        choose_years(opened, (2017, 2021))
    assert "(years 2019-2021)" in str(err.value)


def test_code_tables_and_provenance(archive: Path, tmp_path: Path, store: Store) -> None:
    loads = load_archive(archive, tmp_path / "out", (2020, 2021))
    for parsed in loads:
        store.load(parsed.tables, parsed.provenance)
    countries = store.query("SELECT code, iso3 FROM baci_country ORDER BY code")
    assert countries.set_index("code")["iso3"].to_dict()[490] == "TWN"
    assert pd.isna(countries.set_index("code")["iso3"].to_dict()[849])
    products = store.query("SELECT code FROM baci_product ORDER BY code")["code"].tolist()
    assert products[:2] == ["010121", "030211"]  # leading zeros kept
    sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    for prov in store.provenance():
        assert prov.sha256 == sha and prov.edition == "HS92 V202301"
    files = store.query("SELECT year, rows FROM trade_file ORDER BY year")
    assert files.to_dict("records") == [{"year": 2020, "rows": 4}, {"year": 2021, "rows": 6}]
    # the DSM reads the files with DuckDB: marketscout's layout, ISO3 and 6-character text
    total = store.query("SELECT sum(value) AS v, count(DISTINCT product) AS p FROM "
                        f"read_parquet('{tmp_path / 'out'}/*.parquet')")
    assert total.to_dict("records") == [{"v": 2121.25 + 19.25, "p": 6}]


def test_not_a_baci_archive(tmp_path: Path) -> None:
    odd = tmp_path / "odd.zip"
    odd.write_bytes(zipped({"readme.txt": b"hello"}))
    with pytest.raises(InputError, match="not a BACI archive"):
        open_archive(odd)
    cut = tmp_path / NAME
    cut.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InputError, match="damaged or truncated"):
        open_archive(cut)


def test_damaged_member_midway_keeps_the_previous_files(archive: Path, tmp_path: Path,
                                                        folder: Path) -> None:
    out = tmp_path / "out"
    load_archive(archive, out, (2020, 2021))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    big = "".join(f"2021,440,276,{100000 + n},1.0,\"        1.000\"\n" for n in range(60_000))
    content = members(folder)
    content["BACI_HS92_Y2021_V202301.csv"] += big.encode()
    data = bytearray(zipped(content))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as opened:
        info = opened.getinfo("BACI_HS92_Y2021_V202301.csv")
    start = info.header_offset + info.compress_size * 2 // 3  # deep inside the member
    data[start : start + 64] = bytes(b ^ 0xFF for b in data[start : start + 64])
    broken = tmp_path / "broken" / NAME
    broken.parent.mkdir()
    broken.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged or truncated"):
        load_archive(broken, out, (2020, 2021))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# --- `marketscout data update baci` against a local server -----------------------------------


@pytest.fixture
def mirror(http_server: LocalServer, folder: Path) -> str:
    http_server.put(f"baci/{NAME}", zipped(members(folder)))
    return f"{http_server.url}/baci/{NAME}"  # a full file URL picks the release


def test_update_with_url_override(mirror: str, tmp_path: Path, store: Store) -> None:
    settings = load_settings({"MARKETSCOUT_HOME": str(tmp_path / "home"),
                              "MARKETSCOUT_CACHE": str(tmp_path / "cache"),
                              "MARKETSCOUT_BACI_URL": mirror})
    (outcome,) = update_sources(store, [registry.get("baci")], settings=settings,
                                years=(2020, 2021), **FAST)
    assert outcome.ok, outcome.error
    assert outcome.loaded == ["baci_country_codes", "baci_product_codes",
                              "dsm_trade_baci_hs92_2020", "dsm_trade_baci_hs92_2021"]
    folder = trade_folder(tmp_path / "home")
    assert sorted(p.name for p in folder.iterdir()) == ["BACI_HS92_Y2020.parquet",
                                                       "BACI_HS92_Y2021.parquet"]
    assert store.provenance("dsm_trade_baci_hs92_2021")[0].url == mirror


@pytest.mark.parametrize("fault", [Fault.CORRUPT, Fault.HTML_200, Fault.CUT_SHORT])
def test_faults_leave_store_and_files_unchanged(mirror: str, tmp_path: Path, store: Store,
                                               http_server: LocalServer, fault: Fault) -> None:
    settings = load_settings({"MARKETSCOUT_HOME": str(tmp_path / "home"),
                              "MARKETSCOUT_CACHE": str(tmp_path / "cache"),
                              "MARKETSCOUT_BACI_URL": mirror})
    assert update_sources(store, [registry.get("baci")], settings=settings, **FAST)[0].ok
    folder = trade_folder(tmp_path / "home")
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    tables = {t: store.table(t) for t in ("baci_country", "trade_file")}
    (tmp_path / "cache" / "baci" / NAME).unlink()
    http_server.fault(f"baci/{NAME}", fault, times=3)
    (outcome,) = update_sources(store, [registry.get("baci")], settings=settings, **FAST)
    assert not outcome.ok and outcome.loaded == []
    assert {Fault.CORRUPT: "damaged", Fault.HTML_200: "web page (HTML)",
            Fault.CUT_SHORT: "Download failed"}[fault] in outcome.error
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    for name, table in tables.items():
        pd.testing.assert_frame_equal(store.table(name), table)


# --- the real files in ../shared/data --------------------------------------------------------


def test_real_sample_streams_to_the_same_rows_as_parse_trade(raw_data: Path,
                                                             tmp_path: Path) -> None:
    """The re-published 2021 sample (71,192 real rows) packed as CEPII packs a release: the
    streaming path and `baci.parse_trade` must agree row for row."""
    from marketscout.sources.baci import parse_trade

    trade = raw_data / "trade"
    sample = trade / "baci_hs92_2021_sample_zaf_afg.csv"
    path = tmp_path / NAME
    path.write_bytes(zipped({
        "BACI_HS92_Y2021_V202301.csv": sample.read_bytes(),
        "country_codes_V202301.csv": (trade / "baci_country_codes_V202301.csv").read_bytes(),
        "product_codes_HS92_V202301.csv":
            (trade / "baci_product_codes_HS92_V202301.csv").read_bytes(),
    }))
    loads = load_archive(path, tmp_path / "out", (2021, 2021))
    got = pq.read_table(tmp_path / "out" / "BACI_HS92_Y2021.parquet").to_pandas()
    expected = parse_trade(sample).tables["trade_flow"]
    for frame in (got, expected):
        for column in ("exporter", "importer", "product"):
            frame[column] = frame[column].astype(str)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert loads[-1].provenance.rows == 71_192
    assert len(loads[1].tables["baci_product"]) == 5_021
