"""Criteria kept between runs (priority.memo): used only while nothing they depend on changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from marketscout import priority, survey
from marketscout.criteria.base import Criterion
from marketscout.errors import InputError
from marketscout.priority import memo
from marketscout.priority import run as front
from marketscout.priority.options import DEFAULTS, Options, Override
from marketscout.store import open_store

NOW = datetime(2030, 3, 1, 12, 0)


class Counting:
    """The real criteria, counting how often they are computed."""

    def __init__(self) -> None:
        self.calls = 0

    def criteria(self, db: Path, cache: Path, options: Options = DEFAULTS,
                 now: datetime | None = None) -> list[Criterion]:
        with open_store(db) as store:
            def compute() -> list[Criterion]:
                self.calls += 1
                return front._compute(store, "LTU", options)

            return memo.remembered(store, "LTU", options, cache, compute, now=now)


@pytest.fixture
def db(home: Path) -> Path:
    return home / "marketscout.duckdb"


def test_the_second_run_reads_the_same_criteria(db: Path, tmp_path: Path) -> None:
    count = Counting()
    first = count.criteria(db, tmp_path / "c")
    second = count.criteria(db, tmp_path / "c")
    assert count.calls == 1
    assert [c.id for c in second] == [c.id for c in first] == list(priority.options.CRITERIA)
    for a, b in zip(first, second, strict=True):
        assert a.values.equals(b.values) and a.sources == b.sources and a.label == b.label


def test_weights_top_and_runs_reuse_the_criteria_but_data_choices_do_not(
        db: Path, tmp_path: Path) -> None:
    count = Counting()
    count.criteria(db, tmp_path / "c")
    count.criteria(db, tmp_path / "c", replace(DEFAULTS, top=10, runs=50, seed=7,
                                              weights={"innovation": 2.0}))
    assert count.calls == 1
    for changed in (replace(DEFAULTS, year=2021), replace(DEFAULTS, horizon_from=2018),
                    replace(DEFAULTS, exports_mean_years=2),
                    replace(DEFAULTS, editions={"innovation": "2019"}),
                    replace(DEFAULTS, min_coverage=0.9)):
        before = count.calls
        count.criteria(db, tmp_path / "c", changed)
        assert count.calls == before + 1, changed


def test_a_write_in_this_process_is_seen(db: Path, tmp_path: Path) -> None:
    count = Counting()
    count.criteria(db, tmp_path / "c")
    with open_store(db) as store:
        survey.add_association(store, "LINPRA", now=NOW)
    count.criteria(db, tmp_path / "c")
    assert count.calls == 2


def test_a_write_by_another_process_is_seen(db: Path, tmp_path: Path) -> None:
    count = Counting()
    count.criteria(db, tmp_path / "c")
    write = ("import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
             "con.execute(\"INSERT OR REPLACE INTO meta VALUES ('note', 'x')\"); con.close()")
    subprocess.run([sys.executable, "-c", write, str(db)], check=True)
    count.criteria(db, tmp_path / "c")
    assert count.calls == 2


def test_a_changed_trade_file_outside_the_store_is_seen(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from marketscout.dsm import catalog

    parquet = tmp_path / "trade-2023.parquet"
    parquet.write_bytes(b"one")
    monkeypatch.setattr(catalog, "trade_paths", lambda store: [str(parquet)])
    count = Counting()
    count.criteria(db, tmp_path / "c")
    count.criteria(db, tmp_path / "c")
    parquet.write_bytes(b"other, longer")
    count.criteria(db, tmp_path / "c")
    assert count.calls == 2


def test_trade_paths_are_the_files_the_store_lists(db: Path, tmp_path: Path) -> None:
    from marketscout.dsm.catalog import trade_paths

    with open_store(db) as store:
        assert trade_paths(store) == []
        store.write([("INSERT INTO trade_file (source_id, path, year) VALUES (?, ?, ?)",
                      [f"t{y}", str(tmp_path / f"{y}.parquet"), y]) for y in (2023, 2022)])
        assert trade_paths(store) == [str(tmp_path / "2022.parquet"),
                                      str(tmp_path / "2023.parquet")]


def test_another_version_of_the_code_computes_again(db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    count = Counting()
    count.criteria(db, tmp_path / "c")
    monkeypatch.setattr(memo, "code_stamp", lambda: "another build")
    count.criteria(db, tmp_path / "c")
    assert count.calls == 2


def test_code_stamp_follows_the_package_files(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(memo, "PACKAGE", package)
    memo.code_stamp.cache_clear()
    try:
        before = memo.code_stamp()
        (package / "a.py").write_text("x = 22\n")
        memo.code_stamp.cache_clear()
        assert memo.code_stamp() != before
    finally:
        memo.code_stamp.cache_clear()


def test_an_open_survey_round_expires_the_entry_when_it_closes(db: Path,
                                                                tmp_path: Path) -> None:
    with open_store(db) as store:
        found = survey.create_round(store, "Spring", "2030-03-10", 3, home="LTU", now=NOW)
    closes = found.closes_at
    count = Counting()
    count.criteria(db, tmp_path / "c", now=NOW)
    count.criteria(db, tmp_path / "c", now=closes - timedelta(seconds=1))
    assert count.calls == 1
    count.criteria(db, tmp_path / "c", now=closes)
    assert count.calls == 2


@pytest.mark.parametrize("content", [b"not a pickle", b"", None])
def test_a_damaged_or_foreign_entry_is_computed_again(db: Path, tmp_path: Path,
                                                      content: bytes | None) -> None:
    import pickle

    count = Counting()
    count.criteria(db, tmp_path / "c")
    (entry,) = (tmp_path / "c").glob("*.pickle")
    entry.write_bytes(pickle.dumps({"found": []}) if content is None else content)
    assert [c.id for c in count.criteria(db, tmp_path / "c")] == list(
        priority.options.CRITERIA)
    assert count.calls == 2


def test_an_unwritable_cache_only_costs_time(db: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    count = Counting()
    assert len(count.criteria(db, blocked / "c")) == len(priority.options.CRITERIA)
    assert len(count.criteria(db, blocked / "c")) == len(priority.options.CRITERIA)
    assert count.calls == 2


def test_only_the_newest_entries_stay(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    for i in range(memo.KEEP + 3):
        memo._write(folder / f"{i:02d}.pickle", memo.Entry([], None))
        os.utime(folder / f"{i:02d}.pickle", ns=(i * 10**9, i * 10**9))
    memo._write(folder / "last.pickle", memo.Entry([], None))
    kept = sorted(p.name for p in folder.glob("*.pickle"))
    assert len(kept) == memo.KEEP and "last.pickle" in kept and "00.pickle" not in kept


def test_an_in_memory_store_is_never_cached(tmp_path: Path) -> None:
    from marketscout.store import Store

    with Store() as store:
        calls = []
        memo.remembered(store, "LTU", DEFAULTS, tmp_path / "c", lambda: calls.append(1) or [])
        memo.remembered(store, "LTU", DEFAULTS, tmp_path / "c", lambda: calls.append(1) or [])
    assert len(calls) == 2 and not (tmp_path / "c").exists()


def test_option_checks_run_on_a_cache_hit(db: Path, tmp_path: Path) -> None:
    with open_store(db) as store:
        priority.compute_criteria(store, "LTU", DEFAULTS, cache=tmp_path / "c")
        bad = replace(DEFAULTS, overrides=(Override("LTU", "include", "home"),))
        with pytest.raises(InputError, match="cannot be on LTU's list"):
            priority.compute_criteria(store, "LTU", bad, cache=tmp_path / "c")


def test_rank_twice_gives_the_same_list_from_the_kept_criteria(
        run: object, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = front._compute
    monkeypatch.setattr(front, "_compute", lambda *a: calls.append("x") or real(*a))
    code, first, _ = run("rank", "--format", "json", "--runs", "200")  # type: ignore[operator]
    assert code == 0 and calls == ["x"]
    code, second, _ = run("rank", "--format", "json", "--runs", "200")  # type: ignore[operator]
    assert code == 0 and calls == ["x"]  # the second run computed no criterion
    assert json.loads(first) == json.loads(second)
    code, weighted, _ = run("rank", "--format", "json", "--runs", "200",  # type: ignore[operator]
                            "--weights", "innovation=3")
    assert code == 0 and calls == ["x"] and json.loads(weighted) != json.loads(first)


def test_a_kept_list_is_ranked_without_opening_the_store(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = priority.rank_file(db, "LTU", replace(DEFAULTS, runs=100), cache=tmp_path / "c")
    monkeypatch.setattr(front, "open_store", lambda *a, **k: pytest.fail("store opened"))
    again = priority.rank_file(db, "LTU", replace(DEFAULTS, runs=100), cache=tmp_path / "c")
    assert again.markets.equals(first.markets) and again.headline == first.headline
    with pytest.raises(InputError, match="cannot be on LTU's list"):  # checked all the same
        priority.rank_file(db, "LTU", replace(DEFAULTS, overrides=(
            Override("LTU", "include", "home"),)), cache=tmp_path / "c")


def test_a_trade_file_changed_since_the_entry_was_written_is_seen(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without opening the store (`lookup`), the entry's own stamps of the files decide."""
    from marketscout.dsm import catalog

    parquet = tmp_path / "trade-2023.parquet"
    parquet.write_bytes(b"one")
    monkeypatch.setattr(catalog, "trade_paths", lambda store: [str(parquet)])
    Counting().criteria(db, tmp_path / "c")
    assert memo.lookup(db, "LTU", DEFAULTS, tmp_path / "c") is not None
    parquet.write_bytes(b"other, longer")
    assert memo.lookup(db, "LTU", DEFAULTS, tmp_path / "c") is None
