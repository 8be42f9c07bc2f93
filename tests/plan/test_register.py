"""Register and targets input: every bad case names file, row, column and what to do, and
loads nothing; edits are version-checked so that two sessions lose nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from marketscout.errors import InputError
from marketscout.plan import register, service
from marketscout.plan.register import ConflictError
from marketscout.store import Store

GOOD = ["A1", "mission", "DEU", "2025-03-01", "2025-03-02", "done", "EUR", "10", "12", "3",
        "", ""]


def row(**changes: str) -> list[str]:
    keys = ["id", "type", "markets", "start", "end", "status", "currency", "budget", "cost",
            "companies", "leads", "sector"]
    values = dict(zip(keys, GOOD, strict=True)) | changes
    return [values[k] for k in keys]


@pytest.mark.parametrize(("changes", "message", "column"), [
    ({"markets": "Germny"}, "Germany", "markets"),  # suggestion
    ({"markets": "DEU; European Union"}, "aggregate", "markets"),
    ({"markets": "LTU"}, "home country", "markets"),
    ({"end": "2025-02-01"}, "before the start date", "end"),
    ({"cost": "-5"}, "Value below 0", "cost"),
    ({"currency": "EURO"}, "Unknown currency", "currency"),
    ({"currency": ""}, "no currency", "currency"),
    ({"type": "party"}, "Unexpected value 'party'", "type"),
    ({"status": "maybe"}, "Unexpected value 'maybe'", "status"),
    ({"start": "1 March"}, "Not a date", "start"),
    ({"companies": "1.5"}, "Not a whole number", "companies"),
])
def test_bad_rows_name_row_and_column(store: Store, write_csv, changes: dict[str, str],
                                      message: str, column: str) -> None:
    path = write_csv("bad.csv", [row(id="A0"), row(**changes)])
    with pytest.raises(InputError) as info:
        service.import_register(store, "LTU", path)
    assert message in str(info.value)
    assert f"{path}, row 3" in (info.value.where or "")
    assert f"column '{column}'" in (info.value.where or "")
    assert info.value.fix


def test_duplicate_ids_and_nothing_loaded_on_error(store: Store, write_csv) -> None:
    service.import_register(store, "LTU", write_csv("ok.csv", [row(id="K1"), row(id="K2")]))
    with pytest.raises(InputError, match="rows 2 and 3 have the same activity_id"):
        service.import_register(store, "LTU", write_csv("dup.csv", [row(), row()]))
    with pytest.raises(InputError):
        service.import_register(store, "LTU", write_csv("bad.csv", [row(id="N1"),
                                                                     row(id="N2", cost="x")]))
    assert register.activities(store, "LTU")["activity_id"].tolist() == ["K1", "K2"]


def test_reimport_replaces_the_register(store: Store, write_csv) -> None:
    service.import_register(store, "LTU", write_csv("a.csv", [row(id="K1"), row(id="K2")]))
    service.import_register(store, "LTU", write_csv("b.csv", [row(id="K3")]))
    assert register.activities(store, "LTU")["activity_id"].tolist() == ["K3"]


def test_export_imports_again(store: Store, tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples" / "plan"
    service.import_register(store, "LTU", examples / "register.csv")
    before = register.activities(store, "LTU")
    from marketscout.plan.report import write_register_file

    for name in ("out.csv", "out.xlsx"):
        write_register_file(before, tmp_path / name)
        service.import_register(store, "LTU", tmp_path / name)
        after = register.activities(store, "LTU")
        cols = ["activity_id", "type", "markets", "start_date", "cost", "companies", "status"]
        assert after[cols].astype(str).equals(before[cols].astype(str))


def test_company_names_give_the_count(store: Store) -> None:
    new = register.add_activity(store, "LTU", {"type": "mission", "markets": "DEU",
                                              "start": "2025-01-05", "status": "done",
                                              "company_names": "A UAB; B UAB"})
    assert register.get_activity(store, "LTU", new)["companies"] == 2
    with pytest.raises(InputError, match="field 'companies'"):
        register.add_activity(store, "LTU", {"type": "mission", "markets": "DEU", "start":
                                             "2025-01-05", "status": "done", "companies": "1",
                                             "company_names": "A; B"}, origin="the form")


def test_form_errors_name_the_field(store: Store) -> None:
    with pytest.raises(InputError) as info:
        register.add_activity(store, "LTU", {"type": "mission", "markets": "Atlantis",
                                             "start": "2025-01-05", "status": "done"},
                              origin="the web form")
    assert info.value.where == "the web form, field 'markets'"


def test_version_check_loses_nothing(store: Store) -> None:
    aid = register.add_activity(store, "LTU", {"type": "mission", "markets": "DEU",
                                              "start": "2025-01-05", "status": "planned"})
    seen = int(register.get_activity(store, "LTU", aid)["version"])  # both sessions open it
    mine = register.edit_activity(store, "LTU", aid, {"cost": "100", "currency": "EUR"}, seen)
    with pytest.raises(ConflictError) as info:
        register.edit_activity(store, "LTU", aid, {"status": "done"}, seen)
    assert info.value.current["cost"] == "100" and info.value.version == mine
    assert "changed by someone else" in info.value.what
    assert register.get_activity(store, "LTU", aid)["status"] == "planned"  # not overwritten
    register.edit_activity(store, "LTU", aid, {"status": "done"}, info.value.version)
    done = register.get_activity(store, "LTU", aid)
    assert (done["status"], done["cost"]) == ("done", 100)  # both changes kept
    with pytest.raises(ConflictError):
        register.delete_activity(store, "LTU", aid, seen)
    register.delete_activity(store, "LTU", aid, int(done["version"]))
    assert register.get_activity(store, "LTU", aid) is None


def test_concurrent_adds_get_distinct_ids(tmp_path: Path) -> None:
    """Two sessions (each its own connection, as web requests) adding at once."""
    db = tmp_path / "s.duckdb"
    Store(db).close()
    ids: list[str] = []

    def add() -> None:
        with Store(db) as mine:
            for _ in range(5):
                ids.append(register.add_activity(mine, "LTU", {
                    "type": "visit", "markets": "FRA", "start": "2025-02-01",
                    "status": "planned"}))

    threads = [threading.Thread(target=add) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Store(db) as store:
        assert len(set(ids)) == 10 == len(register.activities(store, "LTU"))


TARGET_HEADER = ["id", "indicator", "scope", "scope_value", "baseline", "baseline_year",
                 "target", "target_year", "unit"]


@pytest.mark.parametrize(("cells", "message"), [
    (["T1", "activities", "tier", "core", "1", "2027", "5", "2025", ""], "not before the target"),
    (["T1", "exports", "sector", "HS XVI", "1", "2024", "5", "2027", "USD"], "for a sector"),
    (["T1", "exports", "market", "DEU", "1", "2024", "5", "2027", ""], "needs a unit"),
    (["T1", "activities", "tier", "gold", "1", "2024", "5", "2027", ""], "Unknown tier"),
    (["T1", "activities", "list", "DEU", "1", "2024", "5", "2027", ""], "takes no scope value"),
    (["T1", "visits", "all", "", "1", "2024", "5", "2027", ""], "Unexpected value 'visits'"),
])
def test_bad_targets(store: Store, write_csv, cells: list[str], message: str) -> None:
    path = write_csv("t.csv", [cells], TARGET_HEADER)
    with pytest.raises(InputError, match=message) as info:
        service.import_targets(store, "LTU", path)
    assert "row 2" in (info.value.where or "")
