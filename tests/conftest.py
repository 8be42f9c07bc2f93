"""Shared fixtures: an in-memory store, the raw public data folder, an isolated home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from marketscout.store import Store

REPO = Path(__file__).resolve().parents[1]
RAW = REPO.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "data"


@pytest.fixture
def raw_data() -> Path:
    """The real public files in ../shared/data; tests using them skip where it is absent."""
    if not RAW.is_dir():
        pytest.skip(f"raw public data folder {RAW} is absent (CI has it beside the repo)")
    return RAW


@pytest.fixture
def fixtures() -> Path:
    """Small synthetic files in the publishers' layouts, shipped with the tests."""
    return FIXTURES


@pytest.fixture
def store() -> Iterator[Store]:
    """A fresh in-memory store with the schema and no data."""
    with Store() as s:
        yield s


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated MARKETSCOUT_HOME so tests never touch the user's data folder."""
    folder = tmp_path / "home"
    monkeypatch.setenv("MARKETSCOUT_HOME", str(folder))
    monkeypatch.setenv("MARKETSCOUT_CACHE", str(tmp_path / "cache"))
    return folder
