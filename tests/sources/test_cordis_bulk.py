"""CORDIS bulk archives: `;`-separated quoted CSV with decimal commas (and the XLSX and JSON
variants), parsed into the store's Horizon tables; served by a local server that misbehaves."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.settings import Settings, load_settings
from marketscout.sources import registry
from marketscout.sources._download import Timeouts
from marketscout.sources.cordis import parse_archive
from marketscout.sources.update import update_sources
from marketscout.store import Store
from sources.http_server import Fault, LocalServer

FAST: dict[str, Any] = {"backoff": 0.01, "timeout": Timeouts(2, 2), "retries": 1}
HE_NAME = "cordis-HORIZONprojects-csv.zip"
H2020_NAME = "cordis-h2020projects-csv.zip"


def tables_of(folder: Path, edit: tuple[str, str, str] | None = None) -> dict[str, bytes]:
    """The fixture's CSV tables by member name; `edit` = (member, old, new), old must occur."""
    members = {f.name: f.read_bytes() for f in sorted(folder.iterdir())}
    if edit:
        member, old, new = edit
        assert old.encode() in members[member]
        members[member] = members[member].replace(old.encode(), new.encode(), 1)
    return members


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def archive(tmp_path: Path, folder: Path, name: str = HE_NAME,
            edit: tuple[str, str, str] | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(zipped(tables_of(folder, edit)))
    return path


@pytest.fixture
def horizon(fixtures: Path) -> Path:
    return fixtures / "cordis_bulk" / "horizon"


@pytest.fixture
def h2020(fixtures: Path) -> Path:
    return fixtures / "cordis_bulk" / "h2020"


# --- parsing: the official CSV layout --------------------------------------------------------


def test_participations_from_the_official_csv(tmp_path: Path, horizon: Path) -> None:
    table = parse_archive(archive(tmp_path, horizon)).tables["horizon_participation"]
    # 9 organisation rows, one without a country
    assert len(table) == 8
    assert table["iso3"].tolist() == ["LTU", "DEU", "GRC", "GBR", "LTU", "DEU", "FIN", "LTU"]
    # decimal commas: 1000000,5 + 899638,25 + 599999,5 = the project's 2499638,25
    first = table[table["project_id"] == "101900001"]
    assert first["ec_contribution"].sum() == 2499638.25
    assert first["ec_contribution"].isna().tolist() == [False, False, False, True]
    assert table["start_year"].tolist() == [2023] * 4 + [2024] * 3 + [2025]
    assert set(table["programme"]) == {"HORIZON"}
    assert table["role"].tolist()[3] == "associatedPartner"


def test_projects_keep_quotes_separators_and_line_breaks(tmp_path: Path, horizon: Path) -> None:
    projects = parse_archive(archive(tmp_path, horizon)).tables["cordis_project"]
    row = projects.set_index("project_id").loc["101900001"]
    assert row["title"] == 'AI for "smart" Baltic ports'
    assert row["objective"] == ("Ports handle 80% of trade; their cranes; their queues.\n"
                                "BALTICAI builds open models for berth planning.")
    assert row["total_cost"] == 2499638.25
    assert str(row["start_date"]) == "2023-01-01" and str(row["end_date"]) == "2026-12-31"
    assert row["topics"] == "HORIZON-CL4-2022-DIGITAL-EMERGING-01-01"
    assert projects["programme"].tolist() == ["HORIZON"] * 3


def test_organisations_one_row_each_with_their_latest_details(tmp_path: Path,
                                                              horizon: Path) -> None:
    orgs = parse_archive(archive(tmp_path, horizon)).tables["cordis_organisation"]
    assert len(orgs) == 8  # Fraunhofer takes part twice
    fhg = orgs.set_index("org_id").loc["999900002"]
    assert fhg["name"] == "FRAUNHOFER-GESELLSCHAFT ZUR FORDERUNG DER ANGEWANDTEN FORSCHUNG EV"
    assert (fhg["city"], fhg["iso3"], fhg["org_type"]) == ("Munchen", "DEU", "REC")
    assert (fhg["lat"], fhg["lon"]) == (48.1351, 11.582)
    by_id = orgs.set_index("org_id")
    assert by_id.loc["999900003", "iso3"] == "GRC"  # CORDIS writes Greece as EL
    assert by_id.loc["999900004", "iso3"] == "GBR"  # and the United Kingdom as UK
    assert bool(by_id.loc["999900004", "sme"]) is True
    assert pd.isna(by_id.loc["999900007", "iso3"])  # kept, though without a country


def test_topics_euroscivoc_and_programme_parts(tmp_path: Path, horizon: Path) -> None:
    tables = parse_archive(archive(tmp_path, horizon)).tables
    topics = tables["cordis_topic"]
    assert topics["title"].tolist()[1] == 'Hydrogen for "green" short-sea shipping'
    fields = tables["cordis_euroscivoc"]
    assert fields[fields["project_id"] == "101900003"]["title"].tolist() == [
        "spectroscopy", "grains and oilseeds"]
    assert fields["path"].iloc[3] == ("/agricultural sciences/agriculture, forestry, and "
                                      "fisheries/agriculture/grains and oilseeds")
    parts = tables["horizon_programme_part"].set_index("project_id")["programme_part"]
    assert parts.to_dict() == {"101900001": "Cluster 4", "101900002": "Cluster 5",
                               "101900003": "ERC"}


def test_provenance(tmp_path: Path, horizon: Path) -> None:
    prov = parse_archive(archive(tmp_path, horizon), url="https://x/a.zip").provenance
    assert prov.source_id == "cordis_horizon_europe"  # replaces the older single-file load
    assert prov.publisher == "European Commission (CORDIS)" and prov.url == "https://x/a.zip"
    assert prov.edition == "CORDIS bulk download, records updated up to 2025-04-10"
    assert prov.note == "1 participations without a country dropped."
    # 8 participations + 3 parts + 3 projects + 8 organisations + 3 topics + 4 fields
    assert (prov.rows, prov.years) == (29, "2023-2025")
    assert prov.countries == 5  # LTU DEU GRC GBR FIN


def test_h2020_archive(tmp_path: Path, h2020: Path) -> None:
    parsed = parse_archive(archive(tmp_path, h2020, H2020_NAME))
    table = parsed.tables["horizon_participation"]
    assert table["iso3"].tolist() == ["LTU", "NOR", "USA", "LTU", "XKX"]  # XK = Kosovo
    assert table["ec_contribution"].tolist() == [1200000.0, 1750000.4, 0.0, 500000.0, 100000.1]
    assert set(table["programme"]) == {"H2020"}
    parts = parsed.tables["horizon_programme_part"]["programme_part"].tolist()
    assert parts == ["SC1", "MSCA"]  # H2020-EU.3.1.2. and H2020-EU.1.3.1.
    assert parsed.tables["cordis_euroscivoc"].empty
    assert parsed.provenance.source_id == "cordis_h2020"
    assert "no euroSciVoc.csv" in parsed.provenance.note


def test_store_load_and_types(tmp_path: Path, horizon: Path, store: Store) -> None:
    parsed = parse_archive(archive(tmp_path, horizon))
    store.load(parsed.tables, parsed.provenance)
    got = store.query("SELECT o.name, o.city, p.role FROM horizon_participation p "
                      "JOIN cordis_organisation o USING (org_id) WHERE p.iso3 = 'LTU' "
                      "ORDER BY o.name")
    assert got["city"].tolist() == ["Kaunas", "Kaunas", "Vilnius"]
    span = store.query("SELECT min(start_date) AS a, max(end_date) AS b FROM cordis_project")
    assert (str(span["a"][0])[:10], str(span["b"][0])[:10]) == ("2023-01-01", "2030-05-31")


# --- the XLSX and JSON variants ----------------------------------------------------------------


def _typed(cell: str) -> object:
    """A CSV cell as a spreadsheet or JSON would hold it: numbers as numbers."""
    try:
        return float(cell.replace(",", ".")) if cell.replace(",", "").replace(".", "").isdigit() \
            else cell
    except ValueError:
        return cell


def _variant(folder: Path, fmt: str) -> dict[str, bytes]:
    from openpyxl import Workbook

    out = {}
    for name in ("project.csv", "organization.csv", "topics.csv", "euroSciVoc.csv"):
        frame = pd.read_csv(folder / name, sep=";", dtype=str, keep_default_na=False)
        rows = [[_typed(c) for c in row] for row in frame.itertuples(index=False)]
        stem = name.removesuffix(".csv")
        if fmt == "json":
            records = [dict(zip(frame.columns, r, strict=True)) for r in rows]
            out[f"json/{stem}.json"] = json.dumps(records).encode()
        else:
            book = Workbook()
            sheet = book.active
            assert sheet is not None
            sheet.append(list(frame.columns))
            for row in rows:
                sheet.append(row)
            buffer = io.BytesIO()
            book.save(buffer)
            out[f"xlsx/{stem}.xlsx"] = buffer.getvalue()
    return out


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_xlsx_and_json_variants_give_the_same_tables(tmp_path: Path, horizon: Path,
                                                     fmt: str) -> None:
    expected = parse_archive(archive(tmp_path, horizon)).tables
    variant = tmp_path / f"cordis-HORIZONprojects-{fmt}.zip"
    variant.write_bytes(zipped(_variant(horizon, fmt)))
    tables = parse_archive(variant).tables
    for name, table in expected.items():
        pd.testing.assert_frame_equal(tables[name], table, check_dtype=False, obj=name)
    assert tables["horizon_participation"]["ec_contribution"].iloc[0] == 1000000.5


# --- bad archives ---------------------------------------------------------------------------


def test_decimal_comma_typo_names_row_and_column(tmp_path: Path, horizon: Path) -> None:
    bad = archive(tmp_path, horizon, edit=("project.csv", '"1500000";"1500000"',
                                           '"15OO000";"1500000"'))
    with pytest.raises(InputError, match="Not an amount: '15OO000'") as err:
        parse_archive(bad)
    assert f"{HE_NAME}/project.csv, row 3, column 'totalCost'" in str(err.value)


def test_bad_date_and_unknown_country(tmp_path: Path, horizon: Path) -> None:
    bad = archive(tmp_path, horizon, edit=("project.csv", '"2027-02-28"', '"28.02.2027"'))
    with pytest.raises(InputError, match=r"Not a date: '28\.02\.2027'") as err:
        parse_archive(bad)
    assert "row 3, column 'endDate'" in str(err.value)
    bad = archive(tmp_path, horizon, edit=("organization.csv", '"Helsinki";"FI"',
                                           '"Helsinki";"QQ"'))
    with pytest.raises(UnknownCountryError, match="'QQ'") as err:
        parse_archive(bad)
    assert "organization.csv, row 8, column 'country'" in str(err.value)


def test_comma_separated_file_inside_the_zip_is_refused_clearly(tmp_path: Path,
                                                                horizon: Path) -> None:
    members = tables_of(horizon)
    members["organization.csv"] = members["organization.csv"].replace(b'";"', b'"|"')
    bad = tmp_path / HE_NAME
    bad.write_bytes(zipped(members))
    with pytest.raises(InputError, match="cannot be read as CSV") as err:
        parse_archive(bad)
    assert "organization.csv" in str(err.value)


def test_latin1_table_and_unclosed_quote(tmp_path: Path, horizon: Path) -> None:
    members = tables_of(horizon)
    members["organization.csv"] = members["organization.csv"].decode().replace(
        "Munchen", "München").encode("latin-1")
    path = tmp_path / HE_NAME
    path.write_bytes(zipped(members))
    orgs = parse_archive(path).tables["cordis_organisation"].set_index("org_id")
    assert orgs.loc["999900002", "city"] == "München"
    members["project.csv"] = members["project.csv"].replace(b'"ERC-2024-STG";"HORIZON-ERC"',
                                                            b'"ERC-2024-STG;"HORIZON-ERC"')
    path.write_bytes(zipped(members))
    with pytest.raises(InputError, match="Expected 19 columns, got 18") as err:
        parse_archive(path)
    assert f"{HE_NAME}/project.csv" in str(err.value)


def test_missing_table_and_corrupted_member(tmp_path: Path, horizon: Path) -> None:
    members = tables_of(horizon)
    del members["organization.csv"]
    bad = tmp_path / HE_NAME
    bad.write_bytes(zipped(members))
    with pytest.raises(InputError, match="no organization table"):
        parse_archive(bad)
    data = bytearray(zipped(tables_of(horizon)))
    start = data.find(b"organization.csv") + 40  # inside that member's compressed bytes
    data[start : start + 40] = bytes(b ^ 0xFF for b in data[start : start + 40])
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged"):
        parse_archive(bad)


def test_programme_must_be_known_from_the_name(tmp_path: Path, horizon: Path) -> None:
    odd = archive(tmp_path, horizon, name="projects.zip")
    with pytest.raises(InputError, match="which framework programme"):
        parse_archive(odd)
    assert parse_archive(odd, "horizon").provenance.source_id == "cordis_horizon_europe"


# --- `marketscout data update cordis` against a local server ---------------------------------


@pytest.fixture
def mirror(http_server: LocalServer, horizon: Path, h2020: Path) -> str:
    """Both official archives under <server>/data, as cordis.europa.eu/data lists them."""
    http_server.put(f"data/{HE_NAME}", zipped(tables_of(horizon)))
    http_server.put(f"data/{H2020_NAME}", zipped(tables_of(h2020)))
    return f"{http_server.url}/data"


def settings_for(tmp_path: Path, base: str) -> Settings:
    """Settings as a user gets them, the base URL from MARKETSCOUT_CORDIS_URL."""
    return load_settings({"MARKETSCOUT_HOME": str(tmp_path / "home"),
                          "MARKETSCOUT_CACHE": str(tmp_path / "cache"),
                          "MARKETSCOUT_CORDIS_URL": base})


def test_update_loads_both_programmes(mirror: str, tmp_path: Path, store: Store,
                                      http_server: LocalServer) -> None:
    (outcome,) = update_sources(store, [registry.get("cordis")],
                                settings=settings_for(tmp_path, mirror), **FAST)
    assert outcome.ok, outcome.error
    assert outcome.loaded == ["cordis_h2020", "cordis_horizon_europe"]
    counts = store.query("SELECT programme, count(*) AS n FROM horizon_participation "
                         "GROUP BY programme ORDER BY programme")
    assert counts.to_dict("records") == [{"programme": "H2020", "n": 5},
                                         {"programme": "HORIZON", "n": 8}]
    assert {p.url for p in store.provenance()} == {f"{mirror}/{H2020_NAME}",
                                                  f"{mirror}/{HE_NAME}"}
    assert [r.path for r in http_server.requests] == [f"/data/{H2020_NAME}",
                                                      f"/data/{HE_NAME}"]


@pytest.mark.parametrize("fault", [Fault.CORRUPT, Fault.HTML_200, Fault.CUT_SHORT,
                                   Fault.NOT_FOUND])
def test_a_missing_archive_keeps_its_data_and_the_other_programme_loads(
    mirror: str, tmp_path: Path, store: Store, http_server: LocalServer, fault: Fault
) -> None:
    settings = settings_for(tmp_path, mirror)
    assert update_sources(store, [registry.get("cordis")], settings=settings, **FAST)[0].ok
    before = store.table("horizon_participation").sort_values(["project_id", "org_id"],
                                                                ignore_index=True)
    store.write([("UPDATE provenance SET retrieved = '2000-01-01'", [])])
    (tmp_path / "cache" / "cordis" / HE_NAME).unlink()  # force a new download
    http_server.fault(f"data/{HE_NAME}", fault, times=3)  # more than the retries
    (outcome,) = update_sources(store, [registry.get("cordis")], settings=settings, **FAST)
    assert not outcome.ok and outcome.loaded == ["cordis_h2020"]  # the archive that arrived
    expected = {Fault.CORRUPT: "damaged", Fault.HTML_200: "web page (HTML)",
                Fault.CUT_SHORT: "without sending complete message body",
                Fault.NOT_FOUND: "HTTP 404"}[fault]
    assert expected in outcome.error and HE_NAME in outcome.error
    assert "Horizon Europe (cordis-HORIZONprojects-csv.zip) archive did not arrive" in \
        outcome.error and "Horizon 2020 was loaded" in outcome.error
    retrieved = dict(store.query("SELECT source_id, retrieved FROM provenance").values.tolist())
    assert retrieved["cordis_horizon_europe"] == "2000-01-01"  # its previous load stays
    assert retrieved["cordis_h2020"] != "2000-01-01"
    after = store.table("horizon_participation").sort_values(["project_id", "org_id"],
                                                              ignore_index=True)
    pd.testing.assert_frame_equal(after, before)  # same files: same rows, HE's kept


def test_offline_uses_the_cache_and_cli_prints_the_summary(
    mirror: str, run: object, monkeypatch: pytest.MonkeyPatch, http_server: LocalServer
) -> None:
    monkeypatch.setenv("MARKETSCOUT_CORDIS_URL", mirror)
    code, out, _ = run("data", "update", "cordis")  # type: ignore[operator]
    assert code == 0, out
    assert "cordis" in out and "ok" in out and "2019-2025" in out
    served = len(http_server.requests)
    code, out, _ = run("data", "update", "cordis", "--offline")  # type: ignore[operator]
    assert code == 0 and len(http_server.requests) == served  # no request made


def test_local_file_option(tmp_path: Path, horizon: Path, store: Store) -> None:
    path = archive(tmp_path, horizon)
    settings = Settings(home=tmp_path / "home", cache_dir=tmp_path / "cache")
    (outcome,) = update_sources(store, [registry.get("cordis")], settings=settings, file=path)
    assert outcome.ok and outcome.loaded == ["cordis_horizon_europe"]
    assert store.provenance("cordis_horizon_europe")[0].url == path.resolve().as_uri()


# --- the real Horizon Europe head samples in ../shared/data ----------------------------------


def test_real_head_samples_in_the_official_layout(raw_data: Path, tmp_path: Path) -> None:
    """The first 100 rows of the official tables, written back in CORDIS' layout (`;`, every
    field quoted, decimal commas): both forms give the same tables."""
    import csv

    tables = {}
    official = {}
    for table in ("project", "organization", "topics", "euroSciVoc"):
        path = raw_data / "cordis" / f"horizon_europe_{table}_head100.csv"
        tables[f"{table}.csv"] = path.read_bytes()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for money in ("ecContribution", "netEcContribution", "totalCost", "ecMaxContribution"):
            if money in frame:
                frame[money] = frame[money].str.replace(".", ",", regex=False)
        official[f"{table}.csv"] = frame.to_csv(sep=";", index=False,
                                                quoting=csv.QUOTE_ALL).encode()
    resaved = tmp_path / "resaved" / HE_NAME
    resaved.parent.mkdir()
    resaved.write_bytes(zipped(tables))
    (tmp_path / HE_NAME).write_bytes(zipped(official))
    parsed = parse_archive(tmp_path / HE_NAME)
    for name, table in parse_archive(resaved).tables.items():
        pd.testing.assert_frame_equal(parsed.tables[name], table, obj=name)
    counts = {name: len(t) for name, t in parsed.tables.items()}
    assert counts == {"horizon_participation": 100, "horizon_programme_part": 100,
                      "cordis_project": 100, "cordis_organisation": 92, "cordis_topic": 100,
                      "cordis_euroscivoc": 100}
    roles = parsed.tables["horizon_participation"]["role"].value_counts().to_dict()
    assert roles == {"participant": 44, "coordinator": 41, "thirdParty": 14,
                     "associatedPartner": 1}
