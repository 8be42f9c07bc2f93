"""Shared fixtures: an in-memory store, the raw public data folder, an isolated home."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from marketscout.store import Store, open_store
from sources.http_server import LocalServer  # tests/sources/http_server.py

REPO = Path(__file__).resolve().parents[1]
RAW = REPO.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "data"


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests' cache folder (downloads, the country table, kept criteria): never the
    user's own, also for the processes tests start (they inherit the environment)."""
    import os

    before = os.environ.get("MARKETSCOUT_CACHE")
    os.environ["MARKETSCOUT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("MARKETSCOUT_CACHE", None)
    else:
        os.environ["MARKETSCOUT_CACHE"] = before


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


@pytest.fixture(scope="session")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store initialised from the embedded snapshot, once per test session."""
    db = tmp_path_factory.mktemp("snapshot") / "marketscout.duckdb"
    with open_store(db):
        pass
    return db


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot_db: Path) -> Path:
    """An isolated MARKETSCOUT_HOME holding a fresh copy of the snapshot store, so tests never
    touch the user's data folder and need not rebuild the store each time."""
    folder = tmp_path / "home"
    folder.mkdir()
    shutil.copy(snapshot_db, folder / "marketscout.duckdb")
    monkeypatch.setenv("MARKETSCOUT_HOME", str(folder))
    monkeypatch.setenv("MARKETSCOUT_CACHE", str(tmp_path / "cache"))
    return folder


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `marketscout ARGS` in-process through `cli.main`: (exit code, stdout, stderr).

    For commands that need no store; `run` adds an isolated home with the snapshot store."""
    from marketscout import cli
    from marketscout.commands import _common

    # wide consoles, so that long paths and messages are not folded across lines
    monkeypatch.setattr(_common.err_console, "width", 1000)
    monkeypatch.setattr(_common.console, "width", 1000)

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["marketscout", *args])
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def run(home: Path, cli_run: Run) -> Run:
    """`cli_run` with MARKETSCOUT_HOME set to an isolated copy of the snapshot store."""
    return cli_run


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[LocalServer]:
    """A local HTTP server on 127.0.0.1 serving `tmp_path/www`, with injectable faults
    (tests/sources/http_server.py); stopped at teardown."""
    with LocalServer(tmp_path / "www") as server:
        yield server
