"""World Bank API v2 connector against a local fake API: paging, aggregates, errors, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from marketscout.errors import DownloadError
from marketscout.settings import Settings
from marketscout.sources import registry
from marketscout.sources._download import Timeouts
from marketscout.sources.registry import UpdateContext
from marketscout.sources.update import update_one
from marketscout.sources.worldbank import api as worldbank_api
from marketscout.store import Store
from sources.http_server import Fault, LocalServer, Reply
from sources.publishers import serve_worldbank, wb_error, wb_value

CODES = ["NY.GDP.MKTP.CD", "SP.POP.TOTL"]


@pytest.fixture
def api(http_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fake API with two indicators and pages of 5 rows (so every query pages)."""
    monkeypatch.setattr(worldbank_api, "INDICATORS", {c: c for c in CODES})
    monkeypatch.setattr(worldbank_api, "PER_PAGE", 5)
    monkeypatch.setattr(worldbank_api, "COUNTRY_PAGE", 4)
    return serve_worldbank(http_server, CODES)


def context(tmp_path: Path, base: str, **options: object) -> UpdateContext:
    settings = Settings(home=tmp_path / "home", cache_dir=tmp_path / "cache",
                        urls={"worldbank": base})
    preset: dict = {"backoff": 0.01, "timeout": Timeouts(2, 2)}
    return UpdateContext(settings=settings, source=registry.get("worldbank"),
                         **(preset | options))  # type: ignore[arg-type]


def test_pages_are_all_read_and_aggregates_dropped(api: str, tmp_path: Path,
                                                   http_server: LocalServer) -> None:
    (parsed,) = list(worldbank_api.update(context(tmp_path, api)))
    values = parsed.tables["wb_indicator"]
    # 4 economies x 3 years x 2 indicators, minus Kosovo 2019 (null) in each indicator
    assert len(values) == 2 * (4 * 3 - 1)
    assert set(values["iso3"]) == {"BRA", "DEU", "LTU", "XKX"}  # no WLD, no EUU
    ltu = values.set_index(["iso3", "year", "indicator"])["value"]
    # hand-computed: 50 * (1 + 2021 - 2019) * (1 + len("NY.GDP.MKTP.CD") / 100) = 150 * 1.14
    assert ltu[("LTU", 2021, "NY.GDP.MKTP.CD")] == pytest.approx(171.0)
    assert ltu[("DEU", 2019, "SP.POP.TOTL")] == pytest.approx(4000 * 1.11)
    # 6 countries (incl. 2 aggregates) x 3 years = 18 rows at 5 a page = 4 pages; the
    # country list: 6 entries at 4 a page = 2 pages
    pages = [r.query["page"] for r in http_server.hits(f"v2/country/all/indicator/{CODES[0]}")]
    assert pages == ["1", "2", "3", "4"]
    assert [r.query["page"] for r in http_server.hits("v2/country")] == ["1", "2"]
    assert all(r.query["format"] == "json" for r in http_server.requests)


def test_country_meta_keeps_economies_with_clean_region_names(api: str, tmp_path: Path) -> None:
    (parsed,) = list(worldbank_api.update(context(tmp_path, api)))
    meta = parsed.tables["country_meta"].set_index("iso3")
    assert list(meta.index) == ["BRA", "DEU", "LTU", "XKX"]
    assert meta.loc["BRA", "region"] == "Latin America & Caribbean"  # trailing space gone
    assert meta.loc["XKX", "income_group"] == "Upper middle income"


def test_provenance_names_the_api_and_its_update(api: str, tmp_path: Path) -> None:
    (parsed,) = list(worldbank_api.update(context(tmp_path, api)))
    prov = parsed.provenance
    assert prov.source_id == "wb_api" and prov.publisher == "World Bank"
    assert prov.url.startswith(api + "/v2/country/all/indicator/")
    assert prov.edition == "WDI, last updated 2025-07-01"
    assert prov.years == "2019-2021" and prov.countries == 4
    assert len(prov.sha256) == 64


def test_years_become_the_date_parameter(api: str, tmp_path: Path,
                                         http_server: LocalServer) -> None:
    (parsed,) = list(worldbank_api.update(context(tmp_path, api, years=(2020, 2021))))
    assert set(parsed.tables["wb_indicator"]["year"]) == {2020, 2021}
    hits = http_server.hits(f"v2/country/all/indicator/{CODES[1]}")
    assert {r.query["date"] for r in hits} == {"2020:2021"}


def test_error_payload_with_status_200_is_an_error(http_server: LocalServer,
                                                   tmp_path: Path, api: str) -> None:
    http_server.route(f"v2/country/all/indicator/{CODES[1]}", wb_error)
    with pytest.raises(DownloadError, match="Invalid value: The provided parameter value is "
                       r"not valid \(id 120\)") as caught:
        list(worldbank_api.update(context(tmp_path, api)))
    assert CODES[1] in (caught.value.where or "")
    assert not list((tmp_path / "cache").rglob("SP.POP.TOTL*.json"))  # not kept for --offline


def test_not_a_page_is_an_error(http_server: LocalServer, tmp_path: Path, api: str) -> None:
    http_server.route("v2/country", lambda r: Reply(json.dumps({"hello": 1}).encode()))
    with pytest.raises(DownloadError, match=r"not a \[header, rows\] page") as caught:
        list(worldbank_api.update(context(tmp_path, api)))
    assert "MARKETSCOUT_WORLDBANK_URL" in (caught.value.fix or "")


def test_a_500_on_one_page_is_retried(http_server: LocalServer, tmp_path: Path,
                                      api: str) -> None:
    http_server.fault(f"v2/country/all/indicator/{CODES[0]}", Fault.ERROR_500)
    (parsed,) = list(worldbank_api.update(context(tmp_path, api)))
    assert len(parsed.tables["wb_indicator"]) == 22


def test_offline_rereads_the_cached_pages(http_server: LocalServer, tmp_path: Path,
                                          api: str) -> None:
    (online,) = list(worldbank_api.update(context(tmp_path, api)))
    before = len(http_server.requests)
    (offline,) = list(worldbank_api.update(context(tmp_path, api, offline=True)))
    assert len(http_server.requests) == before
    pd.testing.assert_frame_equal(online.tables["wb_indicator"], offline.tables["wb_indicator"])


def test_offline_without_cache_names_the_missing_page(tmp_path: Path, api: str) -> None:
    with pytest.raises(DownloadError, match="not in the cache") as caught:
        list(worldbank_api.update(context(tmp_path, api, offline=True)))
    assert "worldbank" in (caught.value.where or "")


def test_failed_update_keeps_the_previous_load(http_server: LocalServer, tmp_path: Path,
                                               api: str, store: Store) -> None:
    assert update_one(store, context(tmp_path, api)).ok
    before = store.table("wb_indicator")
    http_server.fault(f"v2/country/all/indicator/{CODES[1]}", Fault.ERROR_503, times=10)
    outcome = update_one(store, context(tmp_path, api, retries=1))
    assert not outcome.ok and "503" in outcome.error
    pd.testing.assert_frame_equal(store.table("wb_indicator"), before)
    assert store.provenance("wb_api")[0].rows == len(before) + 4


def test_values_match_the_fake_publisher_by_hand(api: str, tmp_path: Path) -> None:
    (parsed,) = list(worldbank_api.update(context(tmp_path, api)))
    for row in parsed.tables["wb_indicator"].itertuples():
        assert row.value == pytest.approx(wb_value(row.iso3, row.year, row.indicator))


@pytest.mark.rawdata
def test_real_world_bank_codes_and_values(raw_data: Path, http_server: LocalServer,
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    """The real bulk CSV (GDP, 266 rows incl. aggregates) served as API pages."""
    from sources.publishers import serve_worldbank_from_bulk

    code = "NY.GDP.MKTP.CD"
    monkeypatch.setattr(worldbank_api, "INDICATORS", {code: code})
    base = serve_worldbank_from_bulk(http_server, raw_data / "macro", code)
    (parsed,) = list(worldbank_api.update(context(tmp_path, base)))
    values = parsed.tables["wb_indicator"].set_index(["iso3", "year"])["value"]
    meta = parsed.tables["country_meta"]
    assert 200 <= len(meta) <= 220  # World Bank economies, without its ~45 aggregates
    assert not set(meta["iso3"]) & {"WLD", "EUU", "HIC", "LCN", "OED"}
    # Lithuania's GDP 2020 in current US$ as published in the WDI (about 56.8 billion)
    assert 55e9 < values[("LTU", 2020)] < 58e9


def test_an_unknown_country_id_is_skipped_and_reported(http_server: LocalServer,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    """Kosovo's old id KSV (not a country code the crosswalk knows, not an aggregate) once
    stopped the whole update; now it is skipped with its values and named, the rest loads."""
    from sources import publishers

    old = {"id": "KSV", "iso2Code": "XK", "name": "Kosovo (old id)",
           "region": {"id": "ECS", "value": "Europe & Central Asia"},
           "incomeLevel": {"id": "UMC", "value": "Upper middle income"}}
    monkeypatch.setattr(publishers, "WB_COUNTRIES", [*publishers.WB_COUNTRIES, old])
    monkeypatch.setattr(publishers, "BASE", publishers.BASE | {"KSV": 7.0})
    monkeypatch.setattr(worldbank_api, "INDICATORS", {c: c for c in CODES})
    base = serve_worldbank(http_server, CODES)
    (parsed,) = list(worldbank_api.update(context(tmp_path, base)))
    assert set(parsed.tables["wb_indicator"]["iso3"]) == {"BRA", "DEU", "LTU", "XKX"}
    assert "KSV" not in set(parsed.tables["country_meta"]["iso3"])
    assert "KSV (Kosovo (old id))" in parsed.provenance.note
    assert any("KSV" in w and "skipped" in w for w in parsed.warnings)
