"""GII, LPI, CEPII and IMD connectors, the registry and URL overrides, on the local server."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketscout.errors import DataNotAvailableError, DownloadError, InputError
from marketscout.settings import Settings, load_settings
from marketscout.sources import registry
from marketscout.sources._download import Timeouts
from marketscout.sources.registry import UpdateContext
from marketscout.sources.update import update_one
from marketscout.store import Store
from sources.http_server import Fault, LocalServer
from sources.publishers import cepii_dta, gii_workbook, lpi_workbook

ISSUE_SOURCES = ("worldbank", "gii", "lpi", "cepii")


def context(tmp_path: Path, source: str, urls: dict[str, str] | None = None,
            **options: object) -> UpdateContext:
    settings = Settings(home=tmp_path / "home", cache_dir=tmp_path / "cache", urls=urls or {})
    preset: dict = {"backoff": 0.01, "timeout": Timeouts(2, 2)}
    return UpdateContext(settings=settings, source=registry.get(source),
                         **(preset | options))  # type: ignore[arg-type]


def only(ctx: UpdateContext) -> list:
    return list(ctx.source.update(ctx))


# --- registry and settings -----------------------------------------------------------------

def test_registry_lists_the_sources_with_their_variables() -> None:
    known = registry.sources()
    assert set(ISSUE_SOURCES) | {"imd"} <= set(known)
    assert known["worldbank"].env_var == "MARKETSCOUT_WORLDBANK_URL"
    assert known["lpi"].default_url.startswith("https://lpi.worldbank.org/")
    assert known["cepii"].default_url == "https://www.cepii.fr/distance"
    assert not known["imd"].downloadable
    assert next(iter(known)) == "worldbank"  # the issue's order


def test_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match="Unknown source 'wipo'") as caught:
        registry.get("wipo")
    assert "worldbank" in (caught.value.fix or "")


@pytest.mark.parametrize(("text", "years"), [("2016-2021", (2016, 2021)), ("2021", (2021, 2021)),
                                             (" 2016 : 2018 ", (2016, 2018)), (None, None)])
def test_years_option(text: str | None, years: tuple[int, int] | None) -> None:
    assert registry.parse_years(text) == years


@pytest.mark.parametrize("text", ["2021-2016", "16-21", "last five"])
def test_bad_years_option(text: str) -> None:
    with pytest.raises(InputError, match=r"--years|year range|backwards"):
        registry.parse_years(text)


@pytest.mark.parametrize("source", [*ISSUE_SOURCES, "cordis", "baci", "eurostat", "oecd"])
def test_every_base_url_comes_from_its_environment_variable(source: str) -> None:
    env = {f"MARKETSCOUT_{source.upper()}_URL": "http://127.0.0.1:9/mirror/"}
    settings = load_settings(env)
    assert settings.url(source, "https://publisher.example") == "http://127.0.0.1:9/mirror/"
    if source in registry.sources():
        ctx = UpdateContext(settings=settings, source=registry.get(source))
        assert ctx.base_url == "http://127.0.0.1:9/mirror" and ctx.url_overridden


def test_file_url_takes_a_file_or_a_folder(tmp_path: Path) -> None:
    folder = context(tmp_path, "lpi", {"lpi": "http://h/mirror"})
    assert folder.file_url("x.xlsx") == "http://h/mirror/x.xlsx"
    file = context(tmp_path, "lpi", {"lpi": "http://h/mirror/LPI_2023.csv"})
    assert file.file_url("x.xlsx") == "http://h/mirror/LPI_2023.csv"
    assert context(tmp_path, "lpi").file_url("x.xlsx") == registry.get("lpi").default_url


# --- GII ----------------------------------------------------------------------------------

def test_gii_workbook_from_the_url_override(http_server: LocalServer, tmp_path: Path,
                                            fixtures: Path) -> None:
    gii_workbook(fixtures / "wipo_gii" / "gii_small.csv",
                 http_server.root / "edocs" / "gii-2019-full-data.xlsx")
    url = f"{http_server.url}/edocs/gii-2019-full-data.xlsx"
    (parsed,) = only(context(tmp_path, "gii", {"gii": url}))
    table = parsed.tables["gii"].set_index(["iso3", "code"])
    assert parsed.provenance.source_id == "wipo_gii_2019"  # edition from the file name
    assert parsed.provenance.url == url
    assert table.loc[("LTU", "GII"), "score"] == 41.5 and table.loc[("LTU", "GII"), "rank"] == 2
    assert table.loc[("CIV", "1"), "rank"] == 3  # printed "[3]" by WIPO


def test_gii_csv_with_edition_from_years(http_server: LocalServer, tmp_path: Path,
                                         fixtures: Path) -> None:
    url = http_server.put("gii/data.csv", (fixtures / "wipo_gii" / "gii_small.csv").read_bytes())
    (parsed,) = only(context(tmp_path, "gii", {"gii": url}, years=(2019, 2019)))
    assert set(parsed.tables["gii"]["edition"]) == {2019}


def test_gii_without_a_workbook_url_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="new address") as caught:
        only(context(tmp_path, "gii"))
    assert "--file" in (caught.value.fix or "") and "MARKETSCOUT_GII_URL" in (caught.value.fix
                                                                              or "")


def test_gii_edition_must_be_known(http_server: LocalServer, tmp_path: Path) -> None:
    url = http_server.put("gii/data.csv", "x")
    with pytest.raises(InputError, match="Which GII edition"):
        only(context(tmp_path, "gii", {"gii": url}))
    assert not http_server.requests  # asked before downloading


def test_gii_from_a_local_file(tmp_path: Path, fixtures: Path) -> None:
    ctx = context(tmp_path, "gii", file=fixtures / "wipo_gii" / "gii_small.csv",
                  years=(2019, 2019))
    (parsed,) = only(ctx)
    assert parsed.provenance.url.startswith("file://")
    assert len(parsed.tables["gii"]) > 0


# --- LPI ----------------------------------------------------------------------------------

def test_lpi_workbook_sheet_of_the_edition(http_server: LocalServer, tmp_path: Path,
                                           fixtures: Path) -> None:
    lpi_workbook(fixtures / "lpi" / "lpi_2023_small.csv",
                 http_server.root / "sites" / "International_LPI_from_2007_to_2023_0.xlsx")
    ctx = context(tmp_path, "lpi", {"lpi": f"{http_server.url}/sites"})
    (parsed,) = only(ctx)
    table = parsed.tables["lpi"].set_index(["iso3", "indicator"])
    assert parsed.provenance.source_id == "wb_lpi_2023"
    assert parsed.provenance.note == "Sheet 2023 of International_LPI_from_2007_to_2023_0.xlsx."
    # the fixture's first row: Singapore, LPI score 4.3, grouped rank 1; customs 4.2
    assert table.loc[("SGP", "overall"), "score"] == 4.3
    assert table.loc[("SGP", "overall"), "rank"] == 1
    assert table.loc[("KOR", "customs"), "score"] == 3.9


def test_lpi_edition_missing_from_the_workbook(http_server: LocalServer, tmp_path: Path,
                                               fixtures: Path) -> None:
    lpi_workbook(fixtures / "lpi" / "lpi_2023_small.csv", http_server.root / "lpi.xlsx")
    ctx = context(tmp_path, "lpi", {"lpi": f"{http_server.url}/lpi.xlsx"}, years=(2016, 2016))
    with pytest.raises(InputError, match="no sheet for 2016") as caught:
        only(ctx)
    assert "2018, 2023" in (caught.value.where or "")


def test_lpi_csv_mirror(http_server: LocalServer, tmp_path: Path, fixtures: Path) -> None:
    url = http_server.put("m/lpi_2023.csv", (fixtures / "lpi" / "lpi_2023_small.csv").read_bytes())
    (parsed,) = only(context(tmp_path, "lpi", {"lpi": url}))
    assert parsed.provenance.url == url
    assert parsed.tables["lpi"]["iso3"].nunique() >= 2


# --- CEPII --------------------------------------------------------------------------------

@pytest.fixture
def cepii_folder(http_server: LocalServer, fixtures: Path) -> str:
    cepii_dta(fixtures / "cepii" / "dist_cepii_small.csv", http_server.root / "distance" /
              "dist_cepii.dta")
    cepii_dta(fixtures / "cepii" / "geo_cepii_small.csv", http_server.root / "distance" /
              "geo_cepii.dta")
    return f"{http_server.url}/distance"


def test_cepii_stata_files(cepii_folder: str, tmp_path: Path) -> None:
    dist, geo = only(context(tmp_path, "cepii", {"cepii": cepii_folder}))
    pairs = dist.tables["distance"].set_index(["iso_o", "iso_d"])
    assert pairs.loc[("DEU", "LTU"), "dist"] == 2000.25  # as in the fixture
    assert pairs.loc[("DEU", "LTU"), "contig"] == 0
    places = geo.tables["geography"].set_index("iso3")
    assert places.loc["AUS", "capital"] == "Canberra"  # cap == 1 wins over the main city
    assert places.loc["AUS", "lat"] == pytest.approx(-35.28333)
    assert dist.provenance.url == f"{cepii_folder}/dist_cepii.dta"
    assert dist.provenance.republisher == ""


def test_cepii_second_file_failing_loads_neither(cepii_folder: str, tmp_path: Path,
                                                 http_server: LocalServer, store: Store) -> None:
    http_server.fault("distance/geo_cepii.dta", Fault.NOT_FOUND)
    outcome = update_one(store, context(tmp_path, "cepii", {"cepii": cepii_folder}))
    assert not outcome.ok and "404" in outcome.error and outcome.loaded == []
    assert store.provenance() == []


def test_cepii_html_page_instead_of_the_file(cepii_folder: str, tmp_path: Path,
                                             http_server: LocalServer) -> None:
    http_server.fault("distance/dist_cepii.dta", Fault.HTML_200)
    with pytest.raises(DownloadError, match="web page"):
        only(context(tmp_path, "cepii", {"cepii": cepii_folder + "/dist_cepii.dta"}))


# --- IMD ----------------------------------------------------------------------------------

def test_imd_is_import_only(tmp_path: Path) -> None:
    with pytest.raises(DataNotAvailableError, match="proprietary") as caught:
        only(context(tmp_path, "imd"))
    assert "marketscout data import imd" in (caught.value.fix or "")


def test_imd_from_a_licensed_file(tmp_path: Path, fixtures: Path) -> None:
    (parsed,) = only(context(tmp_path, "imd", file=fixtures / "user" / "imd_good.csv"))
    assert len(parsed.tables["imd"]) > 0


# --- real files from ../shared/data, served in the publishers' layouts ----------------------

@pytest.mark.rawdata
def test_real_files_through_the_connectors(raw_data: Path, http_server: LocalServer,
                                           tmp_path: Path, store: Store, fixtures: Path) -> None:
    gii = http_server.put("gii/gii_2019.csv", (raw_data / "gii" / "gii_2019.csv").read_bytes())
    lpi = http_server.put("lpi/lpi_2023.csv", (raw_data / "geo" / "lpi_2023.csv").read_bytes())
    # the real geography file (Latin-1 names); the distances stay synthetic, since the real
    # 50,000 pairs only repeat what tests/sources/test_cepii.py checks, at ten times the cost
    cepii_dta(raw_data / "geo" / "geo_cepii.csv", http_server.root / "cepii" / "geo_cepii.dta")
    cepii_dta(fixtures / "cepii" / "dist_cepii_small.csv",
              http_server.root / "cepii" / "dist_cepii.dta")
    urls = {"gii": gii, "lpi": lpi, "cepii": f"{http_server.url}/cepii"}
    for source in ("gii", "lpi", "cepii"):
        outcome = update_one(store, context(tmp_path, source, urls))
        assert outcome.ok, outcome.error
    found = {p.source_id: p for p in store.provenance()}
    assert found["wipo_gii_2019"].countries == 129  # GII 2019 ranks 129 economies
    assert found["wb_lpi_2023"].countries == 139
    ltu = store.query("SELECT rank FROM gii WHERE iso3 = 'LTU' AND code = 'GII'")
    assert ltu["rank"].tolist() == [38.0]  # Lithuania ranked 38th in the GII 2019
    capital = store.query("SELECT capital, lat FROM geography WHERE iso3 = 'LTU'")
    assert capital["capital"].tolist() == ["Vilnius"] and 54 < capital["lat"].iloc[0] < 55
    names = store.query("SELECT name FROM geography WHERE iso3 = 'CIV'")["name"].tolist()
    assert names and "ô" in names[0]  # Côte d'Ivoire, Latin-1 in CEPII's file
