"""A damaged store, a read-only or missing folder and a full disk give a clear message naming
the file and what to do: never a traceback, never "another process" unless it is a lock."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from marketscout.errors import StoreError
from marketscout.store import Store, open_store


def _flip(path: Path, start: float, length: int) -> None:
    with path.open("r+b") as fh:
        fh.seek(int(path.stat().st_size * start))
        data = fh.read(length)
        fh.seek(int(path.stat().st_size * start))
        fh.write(bytes(b ^ 0xFF for b in data))


def truncate(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size // 2)


def flip_middle(db: Path) -> None:
    _flip(db, 0.4, 1 << 16)


def garbage_wal(db: Path) -> None:
    Path(f"{db}.wal").write_bytes(os.urandom(8192))


def folder_in_place(db: Path) -> None:
    db.unlink()
    db.mkdir()
    (db / "something").write_text("x")


def read_every_table(db: Path) -> None:
    with open_store(db) as store:
        for table in store.tables:
            store.query(f"SELECT * FROM {table}")


def _assert_clear(exc: StoreError, db: Path, *words: str) -> None:
    text = str(exc)
    assert str(db) in text, text
    assert "another" not in text.lower() and "traceback" not in text.lower()
    for word in words:
        assert word in text, text


@pytest.mark.parametrize("damage", [truncate, flip_middle, folder_in_place])
def test_a_damaged_store_says_so_and_what_to_do(home: Path, damage: Any) -> None:
    db = home / "marketscout.duckdb"
    damage(db)
    with pytest.raises(StoreError) as caught:
        read_every_table(db)
    _assert_clear(caught.value, db, "store rebuild")


def test_garbage_wal_is_not_a_traceback(home: Path) -> None:
    # DuckDB ignores a WAL it cannot read; the data checkpointed in the file stays readable
    # (changes only in the WAL are lost: the user-data exports keep them, see test_recovery)
    db = home / "marketscout.duckdb"
    with Store(db, read_only=True) as store:
        before = len(store.table("gii"))
    garbage_wal(db)
    with open_store(db) as store:
        assert len(store.table("gii")) == before


def test_the_cli_prints_the_advice_without_a_traceback(home: Path, run: Any) -> None:
    truncate(home / "marketscout.duckdb")
    code, out, err = run("criteria", "--home", "LTU")
    assert code == 2 and "Traceback" not in err + out
    assert "damaged" in err and "store rebuild" in err


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "gone" / "m.duckdb")
    _assert_clear(caught.value, tmp_path / "gone", "missing", "MARKETSCOUT_HOME")
    # the user's own home is created on first use, parents included
    with open_store(tmp_path / "new" / "home" / "m.duckdb") as store:
        assert store.tables


def test_a_home_below_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError) as caught, open_store(tmp_path / "file" / "m.duckdb"):
        pass
    assert "Where: " + str(tmp_path / "file") in str(caught.value)


def test_a_read_only_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the tests may run as root, who may write anywhere: simulate what a read-only folder does
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(StoreError) as caught, open_store(tmp_path / "m.duckdb"):
        pass
    _assert_clear(caught.value, tmp_path, "Cannot write to the data folder", "writable")
    monkeypatch.undo()

    def denied(path: str, read_only: bool = False) -> Any:
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}.wal": Permission denied')

    monkeypatch.setattr(duckdb, "connect", denied)
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "m.duckdb")
    _assert_clear(caught.value, tmp_path / "m.duckdb", "Cannot write to the data folder")


class _FullDisk:
    """A connection whose writes fail as DuckDB's do when the disk is full."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(("INSERT", "COMMIT")):
            raise duckdb.IOException('IO Error: Could not write file "m.duckdb.wal": '
                                     "No space left on device")
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def test_a_full_disk_changes_nothing_and_says_so(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "m.duckdb"
    with Store(db) as store:
        store.write([("INSERT INTO meta VALUES ('a', '1')", [])])
        real = store._con
        store._con = _FullDisk(real)  # type: ignore[assignment]
        with pytest.raises(StoreError) as caught:
            store.write([("INSERT INTO meta VALUES ('b', '2')", [])])
        _assert_clear(caught.value, db, "disk is full", "Free some disk space")
        store._con = real
        assert store.meta("b") is None and store.meta("a") == "1"

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "replace", full)
    with pytest.raises(StoreError) as caught, open_store(tmp_path / "new" / "m.duckdb"):
        pass
    assert "disk is full" in str(caught.value)
    assert not (tmp_path / "new" / "m.duckdb").exists()
    assert [p.name for p in (tmp_path / "new").iterdir()] == []
    shutil.rmtree(tmp_path / "new")


def test_the_web_app_says_the_store_is_damaged_without_its_path(home: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    from marketscout.web.app import create_app

    truncate(home / "marketscout.duckdb")
    with TestClient(create_app()) as client:
        answer = client.get("/api/data/status")
    assert answer.status_code == 503
    body = answer.json()
    assert "damaged" in body["error"] and "store rebuild" in body["fix"]
    assert str(home) not in answer.text and "duckdb" not in answer.text.lower()
