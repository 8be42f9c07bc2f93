"""CEPII GeoDist parsers: bilateral distances and country geography."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.cepii import parse_geo, parse_geodist
from marketscout.store import Store

DIST_COLUMNS = [
    "iso_o", "iso_d", "dist", "distcap", "distw", "distwces", "contig", "comlang_off",
    "comlang_ethno", "colony", "smctry",
]
GEO_COLUMNS = [
    "iso3", "name", "area", "landlocked", "continent", "capital", "lat", "lon", "language",
]


@pytest.fixture
def dist(fixtures: Path) -> Path:
    return fixtures / "cepii" / "dist_cepii_small.csv"


@pytest.fixture
def geo(fixtures: Path) -> Path:
    return fixtures / "cepii" / "geo_cepii_small.csv"


def edited(source: Path, target: Path, old: str, new: str, encoding: str = "latin-1") -> Path:
    """A copy of `source` with the first `old` replaced (it must occur)."""
    text = source.read_text(encoding=encoding)
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding=encoding)
    return target


# --- distances: synthetic fixture ----------------------------------------------------------


def test_geodist_maps_old_codes_and_drops_dissolved(dist: Path) -> None:
    parsed = parse_geodist(dist)
    table = parsed.tables["distance"]
    assert list(table.columns) == DIST_COLUMNS
    assert len(table) == 16  # 5 x 5 pairs less the 9 with ANT
    assert set(table["iso_o"]) == {"DEU", "LTU", "ROU", "SRB"}
    row = table[(table.iso_o == "DEU") & (table.iso_d == "LTU")].iloc[0]
    assert (row["dist"], row["distw"], row["distwces"]) == (2000.25, 1800.225, 1600.2)
    assert table.loc[(table.iso_o == "ROU") & (table.iso_d == "SRB"), "contig"].item() == 1
    assert parsed.provenance.note == "Dropped rows of ANT = Netherlands Antilles (dissolved 2010)."


def test_geodist_dot_is_missing(dist: Path) -> None:
    table = parse_geodist(dist).tables["distance"]
    with_srb = table[(table.iso_o == "SRB") ^ (table.iso_d == "SRB")]
    assert len(with_srb) == 6
    assert with_srb["distw"].isna().all() and with_srb["distwces"].isna().all()
    assert with_srb["dist"].notna().all()


def test_geodist_provenance(dist: Path) -> None:
    prov = parse_geodist(dist).provenance
    assert prov.source_id == "cepii_geodist"
    assert "Mayer" in prov.licence and "Zignago" in prov.licence
    assert "chrisssch/world-trade" in prov.republisher
    assert (prov.rows, prov.countries, prov.years) == (16, 4, "")


def test_geodist_reads_gzip(dist: Path, tmp_path: Path) -> None:
    packed = tmp_path / "dist_cepii.csv.gz"
    packed.write_bytes(gzip.compress(dist.read_bytes()))
    assert parse_geodist(packed).tables["distance"].equals(parse_geodist(dist).tables["distance"])


def test_geodist_loads_into_store(dist: Path, geo: Path, store: Store) -> None:
    for parsed in (parse_geodist(dist), parse_geo(geo)):
        store.load(parsed.tables, parsed.provenance)
    assert store.query("SELECT count(*) AS n FROM distance")["n"].item() == 16
    nulls = store.query("SELECT count(*) AS n FROM geography WHERE language IS NULL")
    assert nulls["n"].item() == 1


# --- geography: synthetic fixture ----------------------------------------------------------


def test_geo_picks_the_capital_row(geo: Path) -> None:
    table = parse_geo(geo).tables["geography"].set_index("iso3")
    assert list(table.reset_index().columns) == GEO_COLUMNS
    assert list(table.index) == ["AUS", "CIV", "LTU", "ROU", "MLI"]
    assert table.loc["AUS", "capital"] == "Canberra"  # cap == 1, though Sydney is maincity
    assert (table.loc["AUS", "lat"], table.loc["AUS", "lon"]) == (-35.28333, 149.2167)
    assert table.loc["CIV", "capital"] == "Yamoussoukro"
    assert table.loc["CIV", "name"] == "Côte d'Ivoire"  # Latin-1 decoded
    assert table.loc["MLI", "landlocked"] == 1
    assert table.loc["LTU", "language"] == "Lithuanian"


def test_geo_missing_language_is_null(geo: Path) -> None:
    table = parse_geo(geo).tables["geography"].set_index("iso3")
    assert table["language"].isna().tolist() == [False, False, False, False, True]


def test_geo_utf8_with_bom_equals_latin1(geo: Path, tmp_path: Path) -> None:
    utf8 = tmp_path / "geo_utf8.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + geo.read_text(encoding="latin-1").encode("utf-8"))
    assert parse_geo(utf8).tables["geography"].equals(parse_geo(geo).tables["geography"])


# --- bad input -----------------------------------------------------------------------------


def test_wrong_separator(dist: Path, tmp_path: Path) -> None:
    comma = tmp_path / "dist.csv"
    comma.write_text(dist.read_text().replace(";", ","))
    with pytest.raises(InputError, match="separated by ';'") as err:
        parse_geodist(comma)
    assert str(comma) in str(err.value) and "row 1" in str(err.value)


def test_renamed_column(dist: Path, tmp_path: Path) -> None:
    bad = edited(dist, tmp_path / "dist.csv", ";distw;", ";dist_w;")
    with pytest.raises(InputError, match="'distw'") as err:
        parse_geodist(bad)
    assert "header row" in str(err.value) and "dist_w" in str(err.value)


def test_decimal_comma(dist: Path, tmp_path: Path) -> None:
    bad = edited(dist, tmp_path / "dist.csv", "2000.25;2000.25", "2000,25;2000.25")
    with pytest.raises(InputError, match="Comma in the number") as err:
        parse_geodist(bad)
    assert "row 3, column 'dist'" in str(err.value)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "dist.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty") as err:
        parse_geodist(empty)
    assert str(empty) in str(err.value)


def test_truncated_gzip(dist: Path, tmp_path: Path) -> None:
    packed = gzip.compress(dist.read_bytes() * 20)
    cut = tmp_path / "dist.csv.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(InputError, match="truncated") as err:
        parse_geodist(cut)
    assert str(cut) in str(err.value)


def test_duplicated_pair(dist: Path, tmp_path: Path) -> None:
    text = dist.read_text()
    bad = tmp_path / "dist.csv"
    bad.write_text(text + text.splitlines()[2] + "\n")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_geodist(bad)
    assert "rows 3 and 27" in str(err.value)


def test_unknown_code(dist: Path, tmp_path: Path) -> None:
    bad = edited(dist, tmp_path / "dist.csv", "LTU;DEU", "XXQ;DEU")
    with pytest.raises(UnknownCountryError, match="XXQ") as err:
        parse_geodist(bad)
    assert "row 7, column 'iso_o'" in str(err.value)


def test_flag_not_binary(dist: Path, tmp_path: Path) -> None:
    bad = edited(dist, tmp_path / "dist.csv", "DEU;LTU;0;", "DEU;LTU;2;")
    with pytest.raises(InputError, match="must be 0 or 1") as err:
        parse_geodist(bad)
    assert "row 3, column 'contig'" in str(err.value)


def test_missing_distance(dist: Path, tmp_path: Path) -> None:
    bad = edited(dist, tmp_path / "dist.csv", "2000.25;2000.25", ".;2000.25")
    with pytest.raises(InputError, match="'dist' is missing") as err:
        parse_geodist(bad)
    assert "row 3" in str(err.value)


# --- the real files in ../shared/data --------------------------------------------------------


@pytest.mark.rawdata
def test_real_geodist(raw_data: Path) -> None:
    path = raw_data / "geo" / "dist_cepii.csv.gz"
    with gzip.open(path, "rt", encoding="latin-1") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    raw = {(r["iso_o"], r["iso_d"]): r for r in rows}
    table = parse_geodist(path).tables["distance"]
    assert len(table) == sum("ANT" not in key for key in raw)  # 223 x 223
    ltu_deu = table[(table.iso_o == "LTU") & (table.iso_d == "DEU")].iloc[0]
    for col in ("dist", "distcap", "distw", "distwces"):
        assert ltu_deu[col] == float(raw[("LTU", "DEU")][col])
    ro_md = table[(table.iso_o == "ROU") & (table.iso_d == "MDA")].iloc[0]
    assert ro_md["dist"] == float(raw[("ROM", "MDA")]["dist"])
    assert ro_md["contig"] == int(raw[("ROM", "MDA")]["contig"]) == 1
    assert table["distw"].isna().sum() == sum(
        r["distw"] == "." for key, r in raw.items() if "ANT" not in key
    )
    assert not {"ROM", "ZAR", "YUG", "TMP", "PAL"} & set(table["iso_o"])


@pytest.mark.rawdata
def test_real_geo(raw_data: Path) -> None:
    path = raw_data / "geo" / "geo_cepii.csv"
    raw = list(csv.DictReader(io.StringIO(path.read_text(encoding="latin-1")), delimiter=";"))
    table = parse_geo(path).tables["geography"].set_index("iso3")
    assert len(table) == len({r["iso3"] for r in raw}) - 1 == 224  # less ANT
    capitals = {r["iso3"]: r["city_en"] for r in raw if r["cap"] == "1"}
    assert table.loc["USA", "capital"] == capitals["USA"] == "Washington, DC"
    assert table.loc["DEU", "capital"] == "Berlin"
    assert table.loc["LTU", "lat"] == float(next(r["lat"] for r in raw if r["iso3"] == "LTU"))
    assert {"ROU", "COD", "TLS", "PSE"} <= set(table.index)
