"""Fault injection: a store holding the user's imports, survey answers, users, settings and a
plan is damaged four ways; `store check` says so and `store rebuild` restores every row."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from marketscout import access, survey
from marketscout.commands import _common
from marketscout.plan import register
from marketscout.store import Store, open_store
from marketscout.store_recovery import check_store, rebuild_store

USER = Path(__file__).resolve().parent / "data" / "user"
SRC = str(Path(__file__).resolve().parents[1] / "src")
EPHEMERAL = {"app_session", "app_login_attempt"}  # logins: users log in again after a rebuild


def everything(db: Path) -> dict[str, list[str]]:
    """Every row of every table (provenance without its load time), sorted, as text."""
    with Store(db, read_only=True) as store:
        names = [r[0] for r in store._con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()]
        out = {}
        for name in sorted(set(names) - EPHEMERAL):
            frame = store.query(f"SELECT * FROM {name}")
            if name == "provenance":
                frame = frame.drop(columns=["loaded_at"])
            out[name] = sorted(repr(tuple(map(str, row))) for row in frame.itertuples(index=False))
        sequences = store.query("SELECT sequence_name, last_value FROM duckdb_sequences()")
        out["(sequences)"] = sorted(map(str, sequences.itertuples(index=False)))
    return out


def _last_change_only_in_the_wal(db: Path) -> None:
    """A plan activity added by a process killed before DuckDB checkpointed it."""
    code = ("import os\nfrom marketscout.plan import register\nfrom marketscout.store import "
            f"open_store\nwith open_store(__import__('pathlib').Path({str(db)!r})) as s:\n"
            "    register.add_activity(s, 'LTU', {'type': 'event', 'markets': 'POL', 'start':"
            " '2026-03-01', 'status': 'planned', 'title': 'Fair'})\n"
            "    s._con.execute('PRAGMA disable_checkpoint_on_shutdown')\n    os._exit(0)\n")
    env = os.environ | {"PYTHONPATH": SRC}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert Path(f"{db}.wal").exists()


@pytest.fixture
def full_home(home: Path, run: Any) -> Path:
    """The isolated home's store with every kind of user data in it."""
    assert run("data", "import", "gii", str(USER / "gii_good.csv"))[0] == 0
    assert run("data", "import", "exports", str(USER / "exports_good.csv"), "--home", "LTU",
               "--complete")[0] == 0
    assert run("data", "import", "list", str(USER / "list_good.csv"), "--name", "Plan A")[0] == 0
    db = home / "marketscout.duckdb"
    with open_store(db) as store:
        found = survey.create_round(store, "Survey 2030", "2030-06-30", 3, home="LTU")
        for name, weight in (("LINPRA", 2.0), ("Infobalt", 1.0)):
            survey.add_association(store, name, "industry", weight)
            token = survey.invite(store, found.round_id, name)
            invitation = survey.find_invitation(store, token)
            assert invitation is not None
            survey.submit_answer(store, invitation, ["DEU", "POL"], comment=f"from {name}")
        access.add_user(store, "ana", access.ANALYST, "analyst passphrase 2030")
        access.save_options(store, {"read_access": "login"})
        register.add_activity(store, "LTU", {"type": "mission", "markets": "DEU; POL",
                                             "start": "2025-01-05", "status": "done",
                                             "company_names": "A UAB; B UAB"})
    return home


def _truncate(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size // 2)


def _flip_middle(db: Path) -> None:
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.seek(int(size * 0.4))
        data = fh.read(1 << 16)
        fh.seek(int(size * 0.4))
        fh.write(bytes(b ^ 0xFF for b in data))


def _garbage_wal(db: Path) -> None:
    wal = Path(f"{db}.wal")
    wal.write_bytes(os.urandom(wal.stat().st_size + 4096))


def _folder(db: Path) -> None:
    db.unlink()
    db.mkdir()


@pytest.mark.parametrize("damage", [_truncate, _flip_middle, _garbage_wal, _folder],
                         ids=["truncated", "bytes-flipped", "garbage-wal", "folder-in-place"])
def test_rebuild_restores_every_row(full_home: Path, damage: Any, tmp_path: Path) -> None:
    db = full_home / "marketscout.duckdb"
    if damage is _garbage_wal:  # the expected state includes the change only the WAL holds
        _last_change_only_in_the_wal(db)
        copy = tmp_path / "copy" / db.name
        copy.parent.mkdir()
        shutil.copy(db, copy)
        shutil.copy(f"{db}.wal", f"{copy}.wal")
        before = everything(copy)
    else:
        before = everything(db)
    assert len(before["plan_activity"]) == (2 if damage is _garbage_wal else 1)
    assert len(before["survey_answer"]) == 4 and len(before["app_user"]) >= 1
    damage(db)

    result = check_store(db)
    assert not result.ok
    assert all("store rebuild" in p for p in result.problems), result.problems

    rebuilt = rebuild_store(db)
    assert sorted(rebuilt.imports) == ["user_exports", "user_gii", "user_list_plan_a"] or \
        len(rebuilt.imports) == 3, rebuilt.imports
    assert rebuilt.moved_aside and all(".broken-" in p.name for p in rebuilt.moved_aside)
    after = everything(db)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert check_store(db).ok
    # and the store works: a new round gets a fresh id, not one already used
    with open_store(db) as store:
        new = survey.create_round(store, "Survey 2031", "2031-06-30", 3)
        assert new.round_id > max(r.round_id for r in survey.list_rounds(store) if r is not new
                                  and r.title != "Survey 2031")


def test_the_commands(full_home: Path, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common.err_console, "width", 1000)
    code, out, _ = run("store", "check")
    assert code == 0 and "OK: " in out
    _truncate(full_home / "marketscout.duckdb")
    code, out, err = run("store", "check")
    assert code == 1 and "damaged" in err and "store rebuild" in err and "Traceback" not in err
    code, out, err = run("store", "rebuild")
    assert code == 0, err
    assert "3 of your imports" in out and ".broken-" in out
    assert run("store", "check")[0] == 0


def test_rebuild_waits_for_a_process_using_the_store(
        full_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from marketscout.store import StoreBusyError

    db = full_home / "marketscout.duckdb"
    code = (f"import sys, time\nfrom marketscout.store import Store\ns = Store({str(db)!r})\n"
            "print('ready', flush=True)\ntime.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env=os.environ | {"PYTHONPATH": SRC})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("MARKETSCOUT_LOCK_WAIT", "1")
        with pytest.raises(StoreBusyError, match="did not finish within 1 s"):
            rebuild_store(db)
        assert db.is_file() and not list(full_home.glob("*.broken-*"))
    finally:
        holder.kill()
        holder.wait()


def test_a_web_upload_is_kept_too(home: Path) -> None:
    from marketscout.web.upload import import_upload

    content = (USER / "gii_good.csv").read_bytes()
    with open_store(home / "marketscout.duckdb") as store:
        import_upload(store, "gii", "my gii.csv", content)
    kept = home / "user-data"
    (entry,) = __import__("json").loads((kept / "imports" / "manifest.json").read_text())
    assert entry["name"] == "my gii.csv" and entry["options"]["kind"] == "gii"
    assert (kept / "imports" / entry["file"]).read_bytes() == content
    assert (kept / "loads" / "user_gii" / "gii.parquet").exists()


def test_check_finds_one_lost_row_and_a_lost_import(home: Path) -> None:
    import pandas as pd

    from marketscout.provenance import Provenance

    db = home / "marketscout.duckdb"
    with open_store(db) as store:
        survey.create_round(store, "Survey 2030", "2030-06-30", 3, home="LTU")
        survey.create_round(store, "Survey 2031", "2031-06-30", 3, home="LTU")
        rows = pd.DataFrame({"iso3": ["DEU"], "edition": 2024, "code": "GII", "name": "GII",
                             "score": [60.0], "rank": [1.0]})
        store.load({"gii": rows}, Provenance(source_id="user_gii", title="GII",
                                             publisher="user import", url="file",
                                             licence="own", edition="2024"))
    assert check_store(db).ok
    with Store(db) as store:  # changes the kept copy never saw, as a damaged WAL loses them
        store._con.execute("DELETE FROM survey_round WHERE title = 'Survey 2031'")
        store._con.execute("DELETE FROM gii WHERE source_id = 'user_gii'")
        store._con.execute("DELETE FROM provenance WHERE source_id = 'user_gii'")
    found = check_store(db)
    assert not found.ok and len(found.problems) == 2, found.problems
    assert "lacks 1 row(s) of survey_round" in found.problems[0]
    assert "lacks your import user_gii" in found.problems[1]
    assert all("store rebuild" in p for p in found.problems)


def test_rebuild_reads_the_latest_kept_file_when_the_kept_rows_are_unreadable(
        home: Path, run: Any, tmp_path: Path) -> None:
    first = tmp_path / "first" / "gii.csv"
    second = tmp_path / "second" / "gii.csv"
    for path, score in ((first, "50.0"), (second, "60.5")):
        path.parent.mkdir()
        path.write_text(f"economy,score,rank,year\nGermany,{score},9,2023\n", encoding="utf-8")
    assert run("data", "import", "gii", str(first))[0] == 0
    assert run("data", "import", "gii", str(second))[0] == 0  # replaces user_gii
    db = home / "marketscout.duckdb"
    (home / "user-data" / "loads" / "user_gii" / "gii.parquet").write_bytes(b"not parquet")
    rebuilt = rebuild_store(db)
    assert "user_gii" in rebuilt.imports
    assert any("read the kept file" in w for w in rebuilt.warnings), rebuilt.warnings
    with Store(db, read_only=True) as store:
        got = store.query("SELECT iso3, score FROM gii WHERE source_id = 'user_gii'")
    assert got.to_dict("list") == {"iso3": ["DEU"], "score": [60.5]}  # the second file's
