"""Writers wait for each other (bounded, said once) and the web app holds no lock between
requests, so imports succeed while the server answers (issue 17 section 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest

from marketscout.store import Store

USER = Path(__file__).resolve().parent / "data" / "user"
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _cli(*args: str) -> subprocess.Popen[str]:
    env = os.environ | {"MARKETSCOUT_LOCK_WAIT": "240",
                        "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "marketscout", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_six_concurrent_imports_all_succeed(home: Path) -> None:
    runs = [_cli("data", "import", "list", str(USER / "list_good.csv"), "--name", f"L{i}")
            for i in range(6)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for code, _out, err in results:
        assert code == 0, err
        assert "another process may be writing" not in err.lower()
    with Store(home / "marketscout.duckdb", read_only=True) as store:
        lists = store.query("SELECT DISTINCT list_name FROM priority_list ORDER BY 1")
    assert list(lists["list_name"]) == [f"L{i}" for i in range(6)]


def test_an_import_succeeds_while_the_server_answers(home: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETSCOUT_LOCK_WAIT", "240")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    from marketscout.web.app import create_app

    statuses: list[int] = []
    done = threading.Event()
    with TestClient(create_app()) as client:
        assert client.get("/api/data/status").status_code == 200

        def serve() -> None:
            while not done.is_set():
                statuses.append(client.get("/api/data/status").status_code)

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            runs = [_cli("data", "import", "list", str(USER / "list_good.csv"), "--name",
                         f"W{i}") for i in range(2)]
            results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
        finally:
            done.set()
            thread.join(timeout=300)
        # the server sees the imports without a restart
        sources = client.get("/api/data/status").text
    for code, _, err in results:
        assert code == 0, err
    assert len(statuses) >= 3 and set(statuses) == {200}, statuses
    assert "W0" in sources or "user_list" in sources
