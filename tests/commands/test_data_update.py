"""`marketscout data update` end to end against the local server: summary table, exit codes,
failed sources keeping the store's previous data, --offline, and freshness in `data sources`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from marketscout.sources import _download, registry
from marketscout.sources.worldbank import api as worldbank_api
from marketscout.store import Store
from sources.http_server import Fault, LocalServer
from sources.publishers import cepii_dta, serve_worldbank

CODES = ["NY.GDP.MKTP.CD", "SP.POP.TOTL"]
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def local_only(http_server: LocalServer, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Every source's URL points at the local server (nothing can reach a publisher), the
    back-off is capped at 10 ms, and the World Bank has two indicators."""
    for source in [*registry.sources(), "eurostat", "oecd"]:
        monkeypatch.setenv(f"MARKETSCOUT_{source.upper()}_URL", f"{http_server.url}/{source}")
    monkeypatch.setattr(_download, "MAX_BACKOFF", 0.01)
    monkeypatch.setattr(worldbank_api, "INDICATORS", {c: c for c in CODES})


@pytest.fixture
def worldbank(http_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> str:
    base = serve_worldbank(http_server, CODES, prefix="/wb")
    monkeypatch.setenv("MARKETSCOUT_WORLDBANK_URL", base)
    return base


@pytest.fixture
def lpi(http_server: LocalServer, fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = http_server.put("lpi/lpi_2023.csv", (fixtures / "lpi" / "lpi_2023_small.csv")
                          .read_bytes())
    monkeypatch.setenv("MARKETSCOUT_LPI_URL", url)
    return url


def in_store(home: Path, query: Callable[[Store], pd.DataFrame]) -> pd.DataFrame:
    with Store(home / "marketscout.duckdb", read_only=True) as store:
        return query(store)


def summary_row(out: str, source: str) -> str:
    return next(line for line in out.splitlines() if line.strip("│ ").startswith(source))


def test_update_loads_and_prints_the_summary(run: Run, worldbank: str, home: Path) -> None:
    code, out, err = run("data", "update", "worldbank", "--years", "2019-2021")
    assert code == 0, out + err
    assert "Data update" in out
    for column in ("source", "rows", "years", "coverage", "time", "status"):
        assert column in out
    row = summary_row(out, "worldbank")
    # 2 indicators x (4 economies x 3 years - Kosovo 2019) + 4 country_meta rows
    assert "26" in row and "2019-2021" in row and "4 countries" in row and "ok" in row
    values = in_store(home, lambda s: s.table("wb_indicator", ["wb_api"]))
    assert len(values) == 22


def test_failed_source_keeps_the_previous_data_and_fails_the_run(
    run: Run, lpi: str, worldbank: str, http_server: LocalServer, home: Path
) -> None:
    before = in_store(home, lambda s: s.table("lpi"))  # the snapshot's LPI 2023
    assert len(before) > 0
    http_server.fault("lpi/lpi_2023.csv", Fault.ERROR_500, times=10)
    code, out, _ = run("data", "update", "lpi", "worldbank", "--retries", "1")
    assert code == 1
    assert "failed" in summary_row(out, "lpi") and "HTTP 500" in summary_row(out, "lpi")
    assert "ok" in summary_row(out, "worldbank")  # the other source still updated
    assert "keep their previous data" in out
    after = in_store(home, lambda s: s.table("lpi"))
    pd.testing.assert_frame_equal(after, before)


def test_successful_lpi_update_replaces_the_snapshot_load(run: Run, lpi: str,
                                                          home: Path) -> None:
    code, out, err = run("data", "update", "lpi")
    assert code == 0, out + err
    prov = in_store(home, lambda s: pd.DataFrame([p.to_dict() for p in s.provenance()]))
    row = prov.set_index("source_id").loc["wb_lpi_2023"]
    assert row["url"] == lpi and row["republisher"] == ""
    rows = in_store(home, lambda s: s.table("lpi", ["wb_lpi_2023"]))
    singapore = rows[(rows["iso3"] == "SGP") & (rows["indicator"] == "overall")]
    assert singapore["score"].tolist() == [4.3]


def test_corrupted_download_keeps_the_snapshot(run: Run, http_server: LocalServer,
                                               fixtures: Path, home: Path) -> None:
    for name in ("dist_cepii", "geo_cepii"):
        cepii_dta(fixtures / "cepii" / f"{name}_small.csv",
                  http_server.root / "cepii" / f"{name}.dta")
    http_server.fault("cepii/geo_cepii.dta", Fault.HTML_200)
    before = in_store(home, lambda s: s.query("SELECT count(*) AS n FROM geography"))
    code, out, _ = run("data", "update", "cepii")
    assert code == 1 and "web page" in out
    after = in_store(home, lambda s: s.query("SELECT count(*) AS n FROM geography"))
    assert after["n"].iloc[0] == before["n"].iloc[0] > 100  # the snapshot's countries


def test_offline_without_cache_then_with_it(run: Run, worldbank: str,
                                            http_server: LocalServer) -> None:
    code, out, _ = run("data", "update", "worldbank", "--offline")
    assert code == 1 and "not in the cache" in out
    assert not http_server.requests
    assert run("data", "update", "worldbank")[0] == 0
    seen = len(http_server.requests)
    code, out, _ = run("data", "update", "worldbank", "--offline")
    assert code == 0 and "ok" in summary_row(out, "worldbank")
    assert len(http_server.requests) == seen


def test_all_offline_lists_every_downloadable_source(run: Run) -> None:
    code, out, _ = run("data", "update", "--all", "--offline")
    assert code == 1
    for source in ("worldbank", "gii", "lpi", "cepii"):
        assert "failed" in summary_row(out, source)
    assert "imd: skipped" in out and "proprietary" in out


def test_all_succeeds_when_every_reachable_source_does(
    run: Run, worldbank: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GII has no default download: without its URL, --all skips it with the reason (not a
    failure), as it does IMD (import only); the others update and the exit code is 0."""
    monkeypatch.delenv("MARKETSCOUT_GII_URL")
    known = registry.sources()
    chosen = {k: known[k] for k in ("worldbank", "gii", "imd")}
    monkeypatch.setattr(registry, "sources", lambda: chosen)
    code, out, err = run("data", "update", "--all")
    assert code == 0, out + err
    assert "ok" in summary_row(out, "worldbank")
    assert not any(line.strip("│ ").startswith("gii") for line in out.splitlines()
                   if "│" in line)  # not in the summary: it was not run
    assert "gii: skipped" in out and "MARKETSCOUT_GII_URL" in out
    assert "imd: skipped" in out


def test_a_gii_url_brings_it_into_all(monkeypatch: pytest.MonkeyPatch) -> None:
    from marketscout.settings import load_settings

    gii = registry.get("gii")
    monkeypatch.delenv("MARKETSCOUT_GII_URL")
    assert "Skipped by --all" in gii.skip_reason(load_settings())
    monkeypatch.setenv("MARKETSCOUT_GII_URL", "https://mirror.example/gii_2024.xlsx")
    assert gii.skip_reason(load_settings()) == ""
    assert registry.get("worldbank").skip_reason(load_settings()) == ""
    assert "proprietary" in registry.get("imd").skip_reason(load_settings())


def test_imd_says_it_is_proprietary(run: Run) -> None:
    code, out, _ = run("data", "update", "imd")
    assert code == 1 and "proprietary" in out and "data import imd" in out


def test_gii_from_a_file(run: Run, fixtures: Path, home: Path) -> None:
    code, out, err = run("data", "update", "gii", "--file",
                         str(fixtures / "wipo_gii" / "gii_small.csv"), "--years", "2019")
    assert code == 0, out + err
    ltu = in_store(home, lambda s: s.query(
        "SELECT score FROM gii WHERE source_id = 'wipo_gii_2019' AND iso3 = 'LTU' "
        "AND code = 'GII'"))
    assert ltu["score"].tolist() == [41.5]  # the small file's value, replacing the snapshot's


@pytest.mark.parametrize(("args", "message"), [
    ((), "Which sources?"),
    (("worldbank", "--all"), "not both"),
    (("wipo",), "Unknown source 'wipo'"),
    (("worldbank", "--years", "2021-2016"), "runs backwards"),
    (("worldbank", "--file", "x.csv"), "--file needs exactly one source"),
])
def test_usage_errors(run: Run, args: tuple[str, ...], message: str) -> None:
    code, _, err = run("data", "update", *args)
    assert code == 2 and message in err


def test_list_shows_urls_and_variables(run: Run, http_server: LocalServer) -> None:
    code, out, _ = run("data", "update", "--list")
    assert code == 0
    assert "MARKETSCOUT_WORLDBANK_URL" in out and f"{http_server.url}/cepii" in out


def test_data_sources_shows_freshness(run: Run, worldbank: str) -> None:
    assert run("data", "update", "worldbank")[0] == 0
    code, out, _ = run("data", "sources")
    assert code == 0 and "age" in out
    line = next(x for x in out.splitlines() if "wb_api" in x)
    assert "today" in line


def test_data_status_shows_the_retrieval_date(run: Run) -> None:
    code, out, _ = run("data", "status")
    assert code == 0 and "retrieved" in out


@pytest.mark.parametrize(("retrieved", "shown"), [
    ("2025-01-13", "today"), ("2025-01-12", "1 day"), ("2025-01-01", "12 days"),
    ("2023-01-13", "2.0 years"), ("", "unknown"),
])
def test_age_of_a_retrieval_date(retrieved: str, shown: str) -> None:
    from datetime import date

    from marketscout.commands.data import age

    assert age(retrieved, today=date(2025, 1, 13)) == shown
