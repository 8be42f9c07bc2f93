"""User data is kept beside the store after every change, by the store itself (issue 17 §3)."""

from __future__ import annotations

import csv
import errno
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from marketscout import access, survey
from marketscout.errors import StoreError
from marketscout.store import Store, open_store
from marketscout.store_keep import UserData, written_tables
from marketscout.store_recovery import check_store

USER = Path(__file__).resolve().parent / "data" / "user"


def test_an_import_keeps_the_file_its_options_and_its_rows(home: Path, run: Any) -> None:
    file = USER / "exports_good.csv"
    code, _, err = run("data", "import", "exports", str(file), "--home", "LTU", "--complete")
    assert code == 0, err
    kept = home / "user-data"
    sha = hashlib.sha256(file.read_bytes()).hexdigest()
    assert (kept / "imports" / f"{sha}-exports_good.csv").read_bytes() == file.read_bytes()
    (entry,) = json.loads((kept / "imports" / "manifest.json").read_text())
    assert entry["sha256"] == sha and entry["source_id"] == "user_exports"
    assert entry["options"] | {} == {"parser": "user", "kind": "exports", "home": "LTU",
                                     "year": None, "name": None, "sheet": None,
                                     "complete": True}
    with file.open(newline="", encoding="utf-8-sig") as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    assert len(pd.read_parquet(kept / "loads" / "user_exports" / "exports.parquet")) == rows
    record = json.loads((kept / "loads" / "user_exports" / "load.json").read_text())
    assert record["provenance"]["complete"] is True
    # removing the source forgets its kept rows (the file stays, listed in the manifest)
    with open_store(home / "marketscout.duckdb") as store:
        store.remove("user_exports")
    assert not (kept / "loads" / "user_exports").exists()


def test_every_change_to_a_user_table_is_exported(home: Path) -> None:
    with open_store(home / "marketscout.duckdb") as store:
        found = survey.create_round(store, "Survey 2030", "2030-06-30", 3, home="LTU")
        survey.add_association(store, "LINPRA", "industry", 2.0)
        access.add_user(store, "ana", access.ANALYST, "analyst passphrase 2030")
    tables = home / "user-data" / "tables"
    got = pd.read_parquet(tables / "survey_round.parquet")
    assert list(got["round_id"]) == [found.round_id] and list(got["title"]) == ["Survey 2030"]
    assert list(pd.read_parquet(tables / "survey_association.parquet")["weight"]) == [2.0]
    assert list(pd.read_parquet(tables / "app_user.parquet")["username"]) == ["ana"]
    assert json.loads((tables / "sequences.json").read_text())["survey_id_seq"] >= 2
    assert not [p for p in tables.iterdir() if p.name.startswith(".")]  # no temp file left
    assert not (tables / "app_session.parquet").exists()  # sessions are not user data


def test_a_memory_or_read_only_store_keeps_nothing(tmp_path: Path) -> None:
    with Store() as store:
        assert store.kept is None
    with open_store(tmp_path / "m.duckdb"):
        pass
    with open_store(tmp_path / "m.duckdb", read_only=True) as store:
        assert store.kept is None


def test_written_tables() -> None:
    assert written_tables("INSERT OR REPLACE INTO app_setting VALUES (?)") == {"app_setting"}
    assert written_tables("UPDATE plan_activity SET x = 1 WHERE y IN (SELECT 1 FROM a)") == {
        "plan_activity"}
    assert written_tables("DELETE FROM survey_answer WHERE 1") == {"survey_answer"}


def test_a_full_disk_while_keeping_says_the_change_is_saved(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    db = home / "marketscout.duckdb"
    with open_store(db):
        pass  # the first copy
    monkeypatch.setattr(UserData, "export_tables", full)
    with open_store(db) as store, pytest.raises(StoreError) as caught:
        survey.add_association(store, "Infobalt")
    text = str(caught.value)
    assert "saved in the store" in text and "disk is full" in text and "store check" in text
    monkeypatch.undo()
    with Store(db, read_only=True) as store:
        assert list(store.query("SELECT name FROM survey_association")["name"]) == ["Infobalt"]
    result = check_store(db)
    assert result.ok, result.problems
    assert any("up to date" in n for n in result.notes)
    kept = pd.read_parquet(home / "user-data" / "tables" / "survey_association.parquet")
    assert list(kept["name"]) == ["Infobalt"]


def test_the_admins_settings_are_kept_too(home: Path) -> None:
    with open_store(home / "marketscout.duckdb") as store:
        access.save_options(store, {"read_access": "login"}, by="admin")
    got = pd.read_parquet(home / "user-data" / "tables" / "app_setting.parquet")
    assert got[["key", "value"]].to_dict("records") == [{"key": "read_access",
                                                         "value": "login"}]


def test_kept_loads_come_in_the_order_they_were_made_without_unfinished_ones(
        tmp_path: Path) -> None:
    from marketscout.provenance import Provenance

    kept = UserData(tmp_path / "user-data")
    frame = pd.DataFrame({"iso3": ["DEU"], "score": [1.0]})
    for source_id in ("user_b", "user_a"):  # b first: the order is not the names'
        kept.keep_load({"gii": frame}, Provenance(source_id=source_id, title="t",
                                                  publisher="user import", url="u",
                                                  licence="l", edition="e"))
    unfinished = kept.loads_dir / ".new-user_c-1-2"  # a copy interrupted half-way
    unfinished.mkdir()
    (unfinished / "load.json").write_text('{"provenance": {"source_id": "user_c"}, '
                                          '"loaded_at": "0"}', encoding="utf-8")
    assert [r["provenance"]["source_id"] for r in kept.loads()] == ["user_b", "user_a"]
