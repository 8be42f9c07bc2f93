"""The store replaces one source atomically, records provenance and survives bad loads."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from marketscout.errors import StoreError
from marketscout.provenance import Provenance
from marketscout.store import Store, lock_wait, open_store


def prov(source_id: str = "test_gii", **kw: object) -> Provenance:
    base = {"title": "GII", "publisher": "WIPO", "url": "https://example.org/gii.csv",
            "licence": "CC BY", "edition": "2019", "rows": 2}
    return Provenance(source_id=source_id, **(base | kw))  # type: ignore[arg-type]


def gii_rows(scores: list[float]) -> pd.DataFrame:
    return pd.DataFrame({
        "iso3": ["LTU", "DEU", "FRA"][: len(scores)], "edition": 2019, "code": "GII",
        "name": "Global Innovation Index", "score": scores, "rank": range(1, len(scores) + 1),
    })


def test_load_then_query_with_provenance(store: Store) -> None:
    store.load({"gii": gii_rows([41.5, 58.2])}, prov())
    got = store.query("SELECT iso3, score FROM gii ORDER BY iso3")
    assert got.to_dict("list") == {"iso3": ["DEU", "LTU"], "score": [58.2, 41.5]}
    (record,) = store.provenance()
    assert record.source_id == "test_gii" and record.publisher == "WIPO"


def test_reload_replaces_only_that_source(store: Store) -> None:
    store.load({"gii": gii_rows([1.0, 2.0])}, prov("a"))
    store.load({"gii": gii_rows([3.0])}, prov("b"))
    store.load({"gii": gii_rows([5.0, 6.0, 7.0])}, prov("a"))
    counts = store.query("SELECT source_id, count(*) AS n FROM gii GROUP BY 1 ORDER BY 1")
    assert counts.to_dict("list") == {"source_id": ["a", "b"], "n": [3, 1]}


def test_a_failed_load_leaves_previous_data_untouched(store: Store) -> None:
    store.load({"gii": gii_rows([41.5, 58.2])}, prov(edition="2019"))
    # the first table is fine, the second cannot be cast (year is not an integer)
    bad = pd.DataFrame({"iso3": ["LTU"], "year": ["not a year"], "score": [1.0], "rank": [1.0],
                        "n_economies": [60]})
    with pytest.raises(StoreError, match="nothing was changed"):
        store.load({"gii": gii_rows([9.0, 9.0, 9.0]), "imd": bad}, prov())
    assert sorted(store.query("SELECT score FROM gii")["score"]) == [41.5, 58.2]
    assert store.provenance()[0].edition == "2019"


def test_a_load_missing_a_column_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="missing column"):
        store.load({"gii": gii_rows([1.0]).drop(columns=["rank"])}, prov())
    assert store.query("SELECT count(*) AS n FROM gii")["n"][0] == 0


def test_unknown_table_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="Unknown table 'nope'"):
        store.load({"nope": gii_rows([1.0])}, prov())


def test_remove_source(store: Store) -> None:
    store.load({"gii": gii_rows([1.0])}, prov("a"))
    store.remove("a")
    assert store.provenance() == [] and store.table("gii").empty
    with pytest.raises(StoreError):
        store.remove("a")


def test_a_second_writer_waits_then_gets_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    holder = Store(db)
    try:
        code = (
            "import sys\nfrom marketscout.store import Store\nfrom marketscout.errors import "
            f"StoreError\ntry:\n    Store({str(db)!r})\nexcept StoreError as e:\n"
            "    print(e); sys.exit(3)\n"
        )
        env = os.environ | {"MARKETSCOUT_LOCK_WAIT": "1"}
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=60, env=env)
        assert done.returncode == 3, done.stderr
        assert time.monotonic() - started >= 1
        assert f"another marketscout process (pid {os.getpid()})" in done.stdout.lower()
        assert "within 1 s" in done.stdout and "MARKETSCOUT_LOCK_WAIT" in done.stdout
        assert done.stderr.count("Waiting for another marketscout process") == 1
    finally:
        holder.close()


def test_a_second_writer_waits_for_the_first_to_finish(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    holder = Store(db)
    code = (f"from marketscout.store import Store\ns = Store({str(db)!r})\n"
            "s.write([(\"INSERT INTO meta VALUES ('k', 'v')\", [])])\ns.close()\n")
    child = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True,
                             env=os.environ | {"MARKETSCOUT_LOCK_WAIT": "60"})
    time.sleep(3)  # the child is waiting now
    holder.close()
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    assert "Waiting for another marketscout process" in stderr
    with Store(db, read_only=True) as s:
        assert s.meta("k") == "v"


def test_lock_wait_is_bounded_and_checked() -> None:
    assert lock_wait({}) == 30.0 and lock_wait({"MARKETSCOUT_LOCK_WAIT": "2.5"}) == 2.5
    for bad in ("soon", "-1", "1e9"):
        with pytest.raises(StoreError, match="MARKETSCOUT_LOCK_WAIT"):
            lock_wait({"MARKETSCOUT_LOCK_WAIT": bad})


def test_open_store_initialises_from_snapshot_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def fake_snapshot(store: Store, **kw: object) -> None:
        calls.append(1)
        store.load({"gii": gii_rows([1.0])}, prov())

    monkeypatch.setattr("marketscout.snapshot.load_snapshot", fake_snapshot)
    db = tmp_path / "sub" / "m.duckdb"
    with open_store(db) as s:
        assert len(s.table("gii")) == 1
    with open_store(db) as s:
        assert len(s.table("gii")) == 1
    assert calls == [1]
    # no temp file left; the user-data copy is beside the store
    assert sorted(p.name for p in db.parent.iterdir()) == ["m.duckdb", "user-data"]


def test_interrupted_initialisation_leaves_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(store: Store, **kw: object) -> None:
        raise StoreError("snapshot unreadable")

    monkeypatch.setattr("marketscout.snapshot.load_snapshot", broken)
    db = tmp_path / "m.duckdb"
    with pytest.raises(StoreError), open_store(db):
        pass
    assert list(tmp_path.iterdir()) == []


def test_insert_appends_after_its_delete_in_one_transaction(store: Store) -> None:
    store.insert("partner_df", pd.DataFrame({"term": ["a", "b"], "df": [1, 2]}))
    store.insert("partner_df", pd.DataFrame({"term": ["c"], "df": [3]}),
                 delete=("DELETE FROM partner_df WHERE term = ?", ["a"]))
    got = store.query("SELECT term, df FROM partner_df ORDER BY term")
    assert got.to_dict("list") == {"term": ["b", "c"], "df": [2, 3]}
    # a failing insert (no such column) undoes its delete too
    with pytest.raises(StoreError, match="nothing was changed"):
        store.insert("partner_df", pd.DataFrame({"nope": [1]}),
                     delete=("DELETE FROM partner_df", []))
    assert len(store.query("SELECT * FROM partner_df")) == 2


def test_remove_rolls_back_when_a_step_fails(store: Store) -> None:
    store.load({"gii": gii_rows([1.0, 2.0])}, prov("a"))
    # inject a failure after the first DELETE: the provenance names a table that is not there
    store.write([("UPDATE provenance SET tables = 'gii,no_such_table' WHERE source_id = 'a'",
                  [])])
    with pytest.raises(StoreError, match="Removing 'a' failed, nothing was changed"):
        store.remove("a")
    assert len(store.table("gii")) == 2 and [p.source_id for p in store.provenance()] == ["a"]


def test_a_source_reloaded_with_fewer_tables_leaves_nothing_behind(store: Store) -> None:
    imd = pd.DataFrame({"iso3": ["LTU"], "year": [2020], "score": [70.0], "rank": [30.0],
                        "n_economies": [63]})
    store.load({"gii": gii_rows([1.0, 2.0]), "imd": imd}, prov("a"))
    store.load({"gii": gii_rows([5.0, 6.0]), "imd": imd}, prov("b"))
    store.load({"gii": gii_rows([3.0])}, prov("a"))
    assert store.query("SELECT source_id FROM imd").to_dict("list") == {"source_id": ["b"]}
    assert sorted(store.query("SELECT source_id, score FROM gii").itertuples(index=False)) == [
        ("a", 3.0), ("b", 5.0), ("b", 6.0)]
    assert store.provenance("a")[0].to_dict()["title"] == "GII"
    assert store.query("SELECT tables FROM provenance WHERE source_id = 'a'")["tables"][0] == "gii"


def test_init_files_left_by_a_killed_first_run_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("marketscout.snapshot.load_snapshot",
                        lambda store, **kw: store.load({"gii": gii_rows([1.0])}, prov()))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    stale = [tmp_path / f".init-{dead_pid}-abc.duckdb",
             tmp_path / f".init-{dead_pid}-abc.duckdb.wal"]
    live = tmp_path / f".init-{os.getpid()}-xyz.duckdb"  # a first run in progress: kept
    old_style, fresh_old_style = tmp_path / ".init-old.duckdb", tmp_path / ".init-new.duckdb"
    for path in [*stale, live, old_style, fresh_old_style]:
        path.write_bytes(b"half a database")
    os.utime(old_style, (time.time() - 3600, time.time() - 3600))
    with open_store(tmp_path / "m.duckdb") as store:
        assert len(store.table("gii")) == 1
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([live.name, fresh_old_style.name, "m.duckdb", "user-data"])


def test_a_slow_first_run_says_so_on_stderr_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("marketscout.store.PROGRESS_AFTER", 0.0)  # as if it were slow
    with open_store(tmp_path / "m.duckdb") as store:
        assert len(store.provenance()) > 10  # the real snapshot
    out, err = capfd.readouterr()
    assert out == "" and err.count("Building the store from the embedded snapshot") == 1
    with open_store(tmp_path / "m.duckdb"):
        pass
    assert capfd.readouterr() == ("", "")  # not on later runs


def test_lock_wait_bounds_are_inclusive() -> None:
    # from 0 (do not wait) to 86400 s (a day), both ends allowed
    assert lock_wait({"MARKETSCOUT_LOCK_WAIT": "0"}) == 0.0
    assert lock_wait({"MARKETSCOUT_LOCK_WAIT": "86400"}) == 86_400.0
    with pytest.raises(StoreError, match="from 0 to 86400"):
        lock_wait({"MARKETSCOUT_LOCK_WAIT": "86400.5"})


def test_a_lock_message_is_never_taken_for_damage() -> None:
    from marketscout.store import is_damage

    lock = Exception('IO Error: Could not set lock on file "m.duckdb": Conflicting lock is '
                     "held in python (PID 12) by user x. Failed to read the header.")
    assert not is_damage(lock)
    assert is_damage(Exception("IO Error: Failed to read the header of m.duckdb"))


def test_a_project_error_inside_a_write_keeps_its_own_message(store: Store) -> None:
    from marketscout.errors import InputError

    with pytest.raises(InputError) as info, store._transaction("Writing", "Try again") as con:
        con.execute("INSERT INTO meta VALUES ('k', 'v')")
        raise InputError("The row is refused.", where="file.csv, row 3", fix="Fix row 3.")
    assert info.value.what == "The row is refused." and info.value.where == "file.csv, row 3"
    assert store.meta("k") is None  # rolled back


def test_a_table_of_no_sources_is_empty(store: Store) -> None:
    store.load({"gii": gii_rows([1.0, 2.0])}, prov("a"))
    assert store.table("gii", []).empty
    assert len(store.table("gii", ["a"])) == 2 and len(store.table("gii")) == 2


def test_an_init_file_a_day_old_is_removed_even_with_a_live_pid(tmp_path: Path) -> None:
    from marketscout.store import remove_stale_init_files

    reused = tmp_path / f".init-{os.getpid()}-abc.duckdb"  # our pid: alive, but reused
    reused.write_bytes(b"half a database")
    now = time.time()
    assert remove_stale_init_files(tmp_path, now=now + 23 * 3600) == []
    assert remove_stale_init_files(tmp_path, now=now + 25 * 3600) == [reused]
    assert not reused.exists()


def test_provenance_is_reread_after_every_committed_change(tmp_path: Path) -> None:
    """Provenance is read once per committed change, also when another Store in the process
    (the web app opens several) writes the same file; a failed write changes nothing."""
    path = tmp_path / "s.duckdb"
    first, second = Store(path), Store(path)
    try:
        first.load({"gii": gii_rows([1.0, 2.0])}, prov("a"))
        assert [p.source_id for p in second.provenance()] == ["a"]
        queries: list[str] = []
        real = Store.query

        def counted(self: Store, sql: str, params: object = ()) -> pd.DataFrame:
            queries.append(sql)
            return real(self, sql, params)  # type: ignore[arg-type]

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(Store, "query", counted)
            assert second.provenance("a")[0].edition == "2019"
            assert second.provenance_of(["a"])[0].source_id == "a"
            assert not [q for q in queries if "provenance" in q]  # memoised
        second.load({"gii": gii_rows([3.0])}, prov("b", edition="2020"))
        assert [p.source_id for p in first.provenance()] == ["a", "b"]
        first.write([("UPDATE provenance SET edition = '2021' WHERE source_id = 'b'", [])])
        assert second.provenance("b")[0].edition == "2021"
        first.remove("a")
        assert [p.source_id for p in second.provenance()] == ["b"]
        with pytest.raises(StoreError):
            first.write([("UPDATE provenance SET edition = '1999'", []),
                         ("SELECT * FROM no_such_table", [])])
        assert second.provenance("b")[0].edition == "2021"
    finally:
        first.close()
        second.close()


def test_load_all_takes_parquet_arrow_and_pandas_in_one_transaction(
        store: Store, tmp_path: Path) -> None:
    import pyarrow as pa

    rows = gii_rows([41.5, 58.2, 60.1])
    rows.to_parquet(tmp_path / "gii.parquet", index=False)
    store.load_all([({"gii": tmp_path / "gii.parquet"}, prov("a")),
                    ({"gii": pa.Table.from_pandas(rows, preserve_index=False)}, prov("b")),
                    ({"gii": rows}, prov("c"))])
    got = store.query("SELECT source_id, iso3, score FROM gii ORDER BY source_id, iso3")
    for source in "abc":
        part = got[got["source_id"] == source]
        assert part["iso3"].tolist() == ["DEU", "FRA", "LTU"]
        assert part["score"].tolist() == [58.2, 60.1, 41.5]
    assert [p.source_id for p in store.provenance()] == ["a", "b", "c"]


def test_load_all_changes_nothing_when_one_source_fails(store: Store, tmp_path: Path) -> None:
    store.load({"gii": gii_rows([1.0])}, prov("old"))
    bad = gii_rows([2.0]).drop(columns=["score"])
    with pytest.raises(StoreError, match="missing column"):
        store.load_all([({"gii": gii_rows([3.0])}, prov("new")), ({"gii": bad}, prov("bad"))])
    assert [p.source_id for p in store.provenance()] == ["old"]
    assert store.query("SELECT count(*) AS n FROM gii")["n"][0] == 1
