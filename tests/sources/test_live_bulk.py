"""Live checks of the CORDIS, BACI, Eurostat and OECD connectors: off by default, never in CI.

Run with `MARKETSCOUT_LIVE=1 .venv/bin/pytest -m live tests/sources/test_live_bulk.py` on a
machine with internet. The SDMX checks ask for Lithuania only; the CORDIS check downloads the
Horizon Europe archive (about 100 MB); the BACI check only asks whether the default archive
(about 2 GB) is there.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from marketscout.settings import Settings
from marketscout.sources import registry, sdmx_fdi
from marketscout.sources._sdmx_read import read_structure
from marketscout.sources.baci.bulk import archive_url
from marketscout.sources.cordis import bulk as cordis_bulk
from marketscout.sources.eurostat import EUROSTAT
from marketscout.sources.oecd import OECD
from marketscout.sources.registry import UpdateContext

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("MARKETSCOUT_LIVE") != "1",
                       reason="contacts the real publishers; set MARKETSCOUT_LIVE=1 to run"),
]


def context(tmp_path: Path, source: str) -> UpdateContext:
    settings = Settings(home=tmp_path / "home", cache_dir=tmp_path / "cache")
    return UpdateContext(settings=settings, source=registry.get(source), years=(2019, 2022))


@pytest.mark.parametrize("source", ["eurostat", "oecd"])
def test_sdmx_inward_fdi_of_lithuania(tmp_path: Path, source: str) -> None:
    flow = {"eurostat": EUROSTAT, "oecd": OECD}[source]
    ctx = context(tmp_path, source)
    structure = ctx.download(sdmx_fdi.structure_url(flow, ctx.base_url), "s.xml", kind="xml")
    dsd = read_structure(structure, flow)
    url = sdmx_fdi.data_url(flow, ctx.base_url, sdmx_fdi.data_key(flow, dsd, "LTU"), ctx.years)
    parsed = sdmx_fdi.parse_fdi(ctx.download(url, "d.sdmx", kind="sdmx"), flow, dsd, url=url)
    table = parsed[0].tables["fdi_inward"]
    assert set(table["home"]) == {"LTU"}
    assert {"DEU", "SWE"} <= set(table["partner"])  # among Lithuania's largest investors


def test_cordis_horizon_europe_archive(tmp_path: Path) -> None:
    ctx = context(tmp_path, "cordis")
    programme = cordis_bulk.PROGRAMMES["horizon"]
    url = cordis_bulk.archive_url(ctx.base_url, programme)
    parsed = cordis_bulk.parse_archive(ctx.download(url, "cordis/he.zip", kind="zip"),
                                       "horizon", url=url)
    assert len(parsed.tables["cordis_project"]) > 10_000
    assert parsed.tables["cordis_organisation"]["name"].notna().all()


def test_baci_default_archive_is_published() -> None:
    with httpx.Client(timeout=30, follow_redirects=True) as client:
        answer = client.head(archive_url(registry.get("baci").default_url))
    assert answer.status_code == 200
    assert int(answer.headers.get("Content-Length", "0")) > 100_000_000
