"""Live checks against the real publishers: off by default, never in CI.

Run with `MARKETSCOUT_LIVE=1 .venv/bin/pytest -m live tests/sources/test_live.py` on a machine
with internet; they check that the default URLs still answer in the layouts the parsers read.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from marketscout.settings import Settings
from marketscout.sources import registry
from marketscout.sources.registry import UpdateContext
from marketscout.sources.worldbank import api as worldbank_api

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("MARKETSCOUT_LIVE") != "1",
                       reason="contacts the real publishers; set MARKETSCOUT_LIVE=1 to run"),
]


def context(tmp_path: Path, source: str, **options: object) -> UpdateContext:
    settings = Settings(home=tmp_path / "home", cache_dir=tmp_path / "cache")
    return UpdateContext(settings=settings, source=registry.get(source),
                         **options)  # type: ignore[arg-type]


def test_world_bank_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worldbank_api, "INDICATORS", {"NY.GDP.MKTP.CD": "GDP"})
    (parsed,) = list(worldbank_api.update(context(tmp_path, "worldbank", years=(2020, 2021))))
    values = parsed.tables["wb_indicator"].set_index(["iso3", "year"])["value"]
    assert 50e9 < values[("LTU", 2020)] < 70e9  # Lithuania's GDP, current US$
    assert 200 <= len(parsed.tables["country_meta"]) <= 220


@pytest.mark.parametrize("source", ["lpi", "cepii"])
def test_default_downloads_parse(tmp_path: Path, source: str) -> None:
    ctx = context(tmp_path, source)
    results = list(ctx.source.update(ctx))
    assert results and all(r.provenance.rows > 100 for r in results)
