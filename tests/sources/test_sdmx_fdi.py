"""Inward FDI by partner over SDMX (Eurostat bop_fdi6_pos, OECD DF_FDI_POS_CTRY): keys built
from the DSD, SDMX-ML and SDMX-CSV answers, aggregates dropped, and a local server with faults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from marketscout.errors import InputError
from marketscout.settings import Settings, load_settings
from marketscout.sources import Parsed, registry
from marketscout.sources._download import Timeouts
from marketscout.sources._sdmx_read import read_structure
from marketscout.sources.eurostat import EUROSTAT
from marketscout.sources.oecd import OECD
from marketscout.sources.sdmx_fdi import (
    Dataflow,
    data_key,
    data_url,
    parse_fdi,
    structure_url,
)
from marketscout.sources.update import update_sources
from marketscout.store import Store
from sources.http_server import Fault, LocalServer, Reply

FAST: dict[str, Any] = {"backoff": 0.01, "timeout": Timeouts(2, 2), "retries": 1}
ESTAT_KEY = "A.MIO_EUR.NI.FDI.DI__D__F.TOTAL..."  # freq..entity fixed; counterp, partner, geo open
OECD_KEY = ".LE_FA_F.USD_EXC.DI.NET_FDI.ALL.D.S1..._T.A."  # REF_AREA open ... FDI_COLLECTION_ID
# The fixtures' rows by hand: (home, partner, year, value). Eurostat: EL = Greece, UK = United
# Kingdom, CN_X_HK = China; EE 2022 is confidential; EU27_2020, EXT_EU27_2020 and WRL_REST are
# groupings. Million euro.
ESTAT_IMMEDIATE = [
    ("LTU", "CHN", 2022, 12.4), ("LTU", "DEU", 2021, 2050.3), ("LTU", "DEU", 2022, 2210.7),
    ("LTU", "EST", 2021, 1530.2), ("LTU", "GBR", 2022, 300.0), ("LTU", "GRC", 2022, -5.5),
    ("LTU", "SWE", 2021, 4120.0), ("LTU", "SWE", 2022, 4380.5), ("LVA", "SWE", 2022, 2800.0),
]
ESTAT_ULTIMATE = [("LTU", "DEU", 2022, 2500.0), ("LTU", "USA", 2022, 800.0)]
# OECD, million US dollars: NLD is published in thousands (UNIT_MULT 3): 2900500 -> 2900.5.
OECD_IMMEDIATE = [
    ("LTU", "DEU", 2021, 2150.8), ("LTU", "DEU", 2022, 2360.0), ("LTU", "NLD", 2022, 2900.5),
    ("LTU", "SWE", 2021, 4398.1), ("LTU", "SWE", 2022, 4675.4), ("LTU", "USA", 2022, 150.0),
    ("LVA", "SWE", 2022, 3000.0),
]
OECD_ULTIMATE = [("LTU", "DEU", 2022, 2700.0), ("LTU", "USA", 2022, 640.5)]


@pytest.fixture
def sdmx_dir(fixtures: Path) -> Path:
    return fixtures / "sdmx"


def structure(sdmx_dir: Path, flow: Dataflow) -> object:
    name = "estat_bop_fdi6_pos" if flow is EUROSTAT else "oecd_fdi_pos_ctry"
    return read_structure(sdmx_dir / f"{name}_structure.xml", flow)


def rows_by_basis(parsed: list[Parsed]) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for p in parsed:
        table = p.tables["fdi_inward"]
        assert set(table["unit"]) == {table["unit"].iloc[0]}
        out[p.provenance.source_id] = [
            (home, partner, int(year), pytest.approx(value)) for home, partner, year, value
            in zip(table["home"], table["partner"], table["year"], table["value"], strict=True)]
    return out


# --- keys and URLs from the DSD ----------------------------------------------------------


def test_keys_follow_the_dsd_order(sdmx_dir: Path) -> None:
    estat = structure(sdmx_dir, EUROSTAT)
    assert data_key(EUROSTAT, estat) == ESTAT_KEY
    assert data_key(EUROSTAT, estat, "LTU") == ESTAT_KEY + "LT"  # geo is last, Eurostat's ISO2
    assert data_key(EUROSTAT, estat, "LVA").endswith("..LV")
    with pytest.raises(InputError, match=r"GRC \(EL\) is not a reporting economy") as err:
        data_key(EUROSTAT, estat, "GRC")  # Eurostat writes Greece as EL, not GR
    assert "Reporting economies: LT, LV" in str(err.value)
    oecd = structure(sdmx_dir, OECD)
    assert data_key(OECD, oecd) == OECD_KEY
    assert data_key(OECD, oecd, "Lithuania") == "LTU" + OECD_KEY


def test_urls_use_the_overridden_base(sdmx_dir: Path) -> None:
    assert structure_url(EUROSTAT, "http://mirror/estat/") == (
        "http://mirror/estat/dataflow/ESTAT/bop_fdi6_pos/latest?references=descendants")
    assert structure_url(OECD, "http://mirror/oecd") == (
        "http://mirror/oecd/dataflow/OECD.DAF.INV/DSD_FDI@DF_FDI_POS_CTRY/latest"
        "?references=all")
    assert data_url(OECD, "http://mirror/oecd", OECD_KEY, (2015, 2022)) == (
        "http://mirror/oecd/data/OECD.DAF.INV,DSD_FDI@DF_FDI_POS_CTRY,1.0/" + OECD_KEY
        + "?startPeriod=2015&endPeriod=2022")


def test_changed_codes_or_dimensions_are_clear_errors(sdmx_dir: Path) -> None:
    estat = structure(sdmx_dir, EUROSTAT)
    renamed = Dataflow(**{**EUROSTAT.__dict__, "select": {**EUROSTAT.select, "stk_flow": "DI_IN"}})
    with pytest.raises(InputError, match="'DI_IN' of dimension stk_flow is not in the"):
        data_key(renamed, estat)
    gone = Dataflow(**{**EUROSTAT.__dict__, "partner_dim": "counterpart"})
    with pytest.raises(InputError, match="has no dimension counterpart"):
        data_key(gone, estat)


# --- answers: SDMX-ML and SDMX-CSV ----------------------------------------------------------


def test_eurostat_structure_specific_xml(sdmx_dir: Path) -> None:
    parsed = parse_fdi(sdmx_dir / "estat_bop_fdi6_pos_data.xml", EUROSTAT,
                       structure(sdmx_dir, EUROSTAT))
    assert rows_by_basis(parsed) == {"eurostat_fdi_immediate": ESTAT_IMMEDIATE,
                                     "eurostat_fdi_ultimate": ESTAT_ULTIMATE}
    prov = parsed[0].provenance
    assert prov.publisher == "Eurostat" and prov.edition == "bop_fdi6_pos, data of 2025-02-20"
    assert "Partner aggregates left out: EU27_2020, EXT_EU27_2020, WRL_REST." in prov.note
    assert "1 missing or confidential values left out." in prov.note
    assert parsed[0].tables["fdi_inward"]["unit"].iloc[0] == "EUR million"


def test_oecd_generic_xml_scales_to_millions(sdmx_dir: Path) -> None:
    parsed = parse_fdi(sdmx_dir / "oecd_fdi_pos_ctry_data.xml", OECD, structure(sdmx_dir, OECD))
    assert rows_by_basis(parsed) == {"oecd_fdi_immediate": OECD_IMMEDIATE,
                                     "oecd_fdi_ultimate": OECD_ULTIMATE}
    assert "Partner aggregates left out: EU27_2020, W, W_X_OECD." in parsed[0].provenance.note
    assert parsed[1].tables["fdi_inward"]["unit"].iloc[0] == "USD million"


@pytest.mark.parametrize("flow, name", [(EUROSTAT, "estat_bop_fdi6_pos"),
                                        (OECD, "oecd_fdi_pos_ctry")])
def test_sdmx_csv_reads_the_same(sdmx_dir: Path, flow: Dataflow, name: str) -> None:
    dsd = structure(sdmx_dir, flow)
    from_xml = rows_by_basis(parse_fdi(sdmx_dir / f"{name}_data.xml", flow, dsd))
    assert rows_by_basis(parse_fdi(sdmx_dir / f"{name}_data.csv", flow, dsd)) == from_xml


def test_without_the_structure_known_codes_still_classify(sdmx_dir: Path) -> None:
    # the OECD's IMC / ULT are known; Eurostat's ultimate code is read from its code list
    parsed = parse_fdi(sdmx_dir / "oecd_fdi_pos_ctry_data.csv", OECD)
    assert [p.provenance.source_id for p in parsed] == ["oecd_fdi_immediate",
                                                        "oecd_fdi_ultimate"]
    parsed = parse_fdi(sdmx_dir / "estat_bop_fdi6_pos_data.csv", EUROSTAT)
    assert [p.provenance.source_id for p in parsed] == ["eurostat_fdi_immediate"]
    assert "Counterpart codes neither immediate nor ultimate, left out: UIE." in \
        parsed[0].provenance.note


def test_error_message_empty_answer_and_garbage(sdmx_dir: Path, tmp_path: Path) -> None:
    error = tmp_path / "error.xml"
    error.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<mes:Error xmlns:mes="http://www.sdmx.org/'
        'resources/sdmxml/schemas/v2_1/message" xmlns:com="http://www.sdmx.org/resources/'
        'sdmxml/schemas/v2_1/common"><mes:ErrorMessage code="100"><com:Text>No Results '
        'Found</com:Text></mes:ErrorMessage></mes:Error>\n')
    with pytest.raises(InputError, match="SDMX error: No Results Found"):
        parse_fdi(error, EUROSTAT)
    only_aggregates = tmp_path / "aggregates.csv"
    lines = (sdmx_dir / "estat_bop_fdi6_pos_data.csv").read_text().splitlines()
    only_aggregates.write_text("\n".join([lines[0]] + [x for x in lines if "_20" in x]) + "\n")
    with pytest.raises(InputError, match="no inward FDI position of any country"):
        parse_fdi(only_aggregates, EUROSTAT)
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("<html><body>maintenance</body>")
    with pytest.raises(InputError, match="cannot be read"):
        parse_fdi(garbage, EUROSTAT)
    text = tmp_path / "bad.csv"
    text.write_text(lines[0] + "\n" + lines[1].replace("2050.3", "2O50.3") + "\n")
    with pytest.raises(InputError, match=r"Not a number: '2O50\.3'") as err:
        parse_fdi(text, EUROSTAT)
    assert "row 2, column 'OBS_VALUE'" in str(err.value)


def test_round_tripping_and_aggregate_reporters_are_left_out(sdmx_dir: Path,
                                                             tmp_path: Path) -> None:
    text = (sdmx_dir / "estat_bop_fdi6_pos_data.csv").read_text()
    last = text.splitlines()[-1]  # ...,IMM,SE,LV,2022,2800,
    extra = [last.replace("IMM,SE,LV", "UIE,LT,LT").replace("2800", "50"),
             last.replace("SE,LV", "SE,EU27_2020").replace("2800", "90000")]
    path = tmp_path / "more.csv"
    path.write_text(text + "\n".join(extra) + "\n")
    parsed = parse_fdi(path, EUROSTAT, structure(sdmx_dir, EUROSTAT))
    assert rows_by_basis(parsed) == {"eurostat_fdi_immediate": ESTAT_IMMEDIATE,
                                     "eurostat_fdi_ultimate": ESTAT_ULTIMATE}
    note = parsed[0].provenance.note
    assert "Reporting aggregates left out: EU27_2020." in note
    assert "1 positions of an economy in itself (round-tripping" in note


def test_open_dimension_gives_duplicates_error(sdmx_dir: Path, tmp_path: Path) -> None:
    lines = (sdmx_dir / "estat_bop_fdi6_pos_data.csv").read_text().splitlines()
    twice = tmp_path / "twice.csv"
    twice.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n")
    with pytest.raises(InputError, match="Two observations for"):
        parse_fdi(twice, EUROSTAT)


# --- `marketscout data update eurostat|oecd` against a local server --------------------------


def serve(server: LocalServer, sdmx_dir: Path, flow: Dataflow, data: str = "xml") -> str:
    """The structure and data answers at the paths the queries name; returns the base URL."""
    prefix, name = ("estat", "estat_bop_fdi6_pos") if flow is EUROSTAT else \
        ("oecd", "oecd_fdi_pos_ctry")
    base = f"{server.url}/{prefix}"
    struct = structure_url(flow, base).removeprefix(server.url).split("?")[0]
    server.route(struct, lambda r: Reply((sdmx_dir / f"{name}_structure.xml").read_bytes(),
                                         content_type="application/xml"))
    key = ESTAT_KEY if flow is EUROSTAT else OECD_KEY
    path = data_url(flow, base, key, None).removeprefix(server.url).split("?")[0]
    body = (sdmx_dir / f"{name}_data.{data}").read_bytes()
    server.route(path, lambda r: Reply(body, content_type="application/xml"))
    return base


def settings_for(tmp_path: Path, **urls: str) -> Settings:
    env = {"MARKETSCOUT_HOME": str(tmp_path / "home"), "MARKETSCOUT_CACHE": str(tmp_path / "c")}
    return load_settings(env | {f"MARKETSCOUT_{k.upper()}_URL": v for k, v in urls.items()})


@pytest.mark.parametrize("data", ["xml", "csv"])
def test_update_both_publishers(http_server: LocalServer, sdmx_dir: Path, tmp_path: Path,
                                store: Store, data: str) -> None:
    settings = settings_for(tmp_path, eurostat=serve(http_server, sdmx_dir, EUROSTAT, data),
                            oecd=serve(http_server, sdmx_dir, OECD, data))
    outcomes = update_sources(store, [registry.get("eurostat"), registry.get("oecd")],
                              settings=settings, years=(2021, 2022), **FAST)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    got = store.query("SELECT source_id, count(*) AS n FROM fdi_inward GROUP BY 1 ORDER BY 1")
    assert got.set_index("source_id")["n"].to_dict() == {
        "eurostat_fdi_immediate": 9, "eurostat_fdi_ultimate": 2,
        "oecd_fdi_immediate": 7, "oecd_fdi_ultimate": 2}
    data_hits = [r for r in http_server.requests if "/data/" in r.path]
    assert [r.query for r in data_hits] == [{"startPeriod": "2021", "endPeriod": "2022"}] * 2
    prov = store.provenance("oecd_fdi_immediate")[0]
    assert prov.url.startswith(f"{http_server.url}/oecd/data/") and len(prov.sha256) == 64


@pytest.mark.parametrize("fault", [Fault.HTML_200, Fault.CUT_SHORT, Fault.NOT_FOUND])
def test_faults_leave_the_store_unchanged(http_server: LocalServer, sdmx_dir: Path,
                                          tmp_path: Path, store: Store, fault: Fault) -> None:
    base = serve(http_server, sdmx_dir, EUROSTAT)
    settings = settings_for(tmp_path, eurostat=base)
    source = [registry.get("eurostat")]
    assert update_sources(store, source, settings=settings, years=(2021, 2022),
                          **FAST)[0].ok
    before = store.table("fdi_inward")
    data_path = data_url(EUROSTAT, base, ESTAT_KEY, None).removeprefix(http_server.url)
    http_server.fault(data_path.split("?")[0], fault, times=3)
    (outcome,) = update_sources(store, source, settings=settings, years=(2020, 2022),
                                **FAST)
    assert not outcome.ok and outcome.loaded == []
    assert {Fault.HTML_200: "web page (HTML)", Fault.CUT_SHORT: "Download failed",
            Fault.NOT_FOUND: "HTTP 404"}[fault] in outcome.error
    pd.testing.assert_frame_equal(store.table("fdi_inward"), before)


def test_500_then_success(http_server: LocalServer, sdmx_dir: Path, tmp_path: Path,
                          store: Store) -> None:
    base = serve(http_server, sdmx_dir, OECD)
    struct = structure_url(OECD, base).removeprefix(http_server.url).split("?")[0]
    http_server.fault(struct, Fault.ERROR_500)
    (outcome,) = update_sources(store, [registry.get("oecd")],
                                settings=settings_for(tmp_path, oecd=base), **FAST)
    assert outcome.ok, outcome.error
    assert [r.status for r in http_server.hits(struct)] == [500, 200]
