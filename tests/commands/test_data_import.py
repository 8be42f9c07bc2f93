"""`marketscout data import`: a thin command; errors reach the user with file, row and column."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marketscout import cli
from marketscout.sources import user
from marketscout.store import Store

USER = Path(__file__).resolve().parents[1] / "data" / "user"
Run = Callable[..., tuple[int, str, str]]


def stored(home: Path, table: str, source_id: str) -> list[str]:
    """The country column of one source's rows in the user's store."""
    column = {"gii": "iso3", "exports": "partner", "priority_list": "market"}[table]
    with Store(home / "marketscout.duckdb") as store:
        return sorted(store.table(table, [source_id])[column])


def test_import_loads_and_summarises(run: Run, home: Path) -> None:
    code, out, _ = run("data", "import", "gii", str(USER / "gii_good.csv"))
    assert code == 0
    assert "4 rows" in out and "4 countries" in out and "2023" in out and "user_gii" in out
    # and what it changes in the ranking: 3 candidates (DEU, TUR, USA; LTU is home)
    assert "covers 3 of 197 candidate markets" in out and "keeps using GII 2022" in out
    assert stored(home, "gii", "user_gii") == ["DEU", "LTU", "TUR", "USA"]


def test_failed_import_keeps_previous_data(run: Run, home: Path) -> None:
    assert run("data", "import", "gii", str(USER / "gii_good.csv"))[0] == 0
    code, _, err = run("data", "import", "gii", str(USER / "gii_aggregate.csv"))
    assert code == 2
    assert "gii_aggregate.csv" in err and "row 4" in err and "'economy'" in err
    assert "aggregate" in err
    assert stored(home, "gii", "user_gii") == ["DEU", "LTU", "TUR", "USA"]


def test_reimport_replaces(run: Run, home: Path) -> None:
    assert run("data", "import", "gii", str(USER / "gii_good.csv"))[0] == 0
    assert run("data", "import", "gii", str(USER / "gii_no_year.csv"), "--year", "2021")[0] == 0
    assert stored(home, "gii", "user_gii") == ["DEU", "LTU"]


def test_options_reach_the_parser(run: Run, home: Path) -> None:
    code, out, _ = run("data", "import", "exports", str(USER / "exports_good.csv"),
                       "--home", "LTU")
    assert code == 0 and "2022-2023" in out
    assert stored(home, "exports", "user_exports") == ["DEU", "LVA", "LVA", "POL"]
    code, out, _ = run("data", "import", "list", str(USER / "list_good.csv"), "--name", "official")
    assert code == 0 and "user_list_official" in out
    code, _, err = run("data", "import", "gii", str(USER / "gii_good.xlsx"), "--sheet", "GII 2022")
    assert code == 2 and "gii_good.xlsx" in err and "row 3" in err and "EU27" in err


def test_missing_home(run: Run) -> None:
    code, _, err = run("data", "import", "fdi", str(USER / "fdi_good.csv"))
    assert code == 2 and "--home" in err and "fdi_good.csv" in err


def test_unknown_kind_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(cli.app, ["data", "import", "tariffs", str(USER / "gii_good.csv")])
    assert result.exit_code == 2
    assert "tariffs" in result.output


def test_help_lists_kinds(run: Run) -> None:
    code, out, _ = run("data", "import", "--help")
    assert code == 0
    for word in ("gii", "exports", "survey", "--home", "--year", "--name", "--sheet"):
        assert word in out


def test_subprocess_end_to_end(tmp_path: Path) -> None:
    """The real entry point: a broken file exits 2, says where, and keeps the stored survey."""
    home = tmp_path / "home"
    home.mkdir()
    good = user.parse("survey", USER / "survey_good.csv")
    with Store(home / "marketscout.duckdb") as store:  # an existing store: no snapshot needed
        store.load(good.tables, good.provenance)
    env = os.environ | {"MARKETSCOUT_HOME": str(home), "MARKETSCOUT_CACHE": str(tmp_path),
                        "COLUMNS": "1000"}
    args = [sys.executable, "-m", "marketscout", "data", "import", "survey",
            str(USER / "survey_duplicate.csv")]
    bad = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2, bad.stderr
    assert "survey_duplicate.csv" in bad.stderr and "rows 2 and 4" in bad.stderr
    with Store(home / "marketscout.duckdb") as store:
        assert len(store.table("survey", ["user_survey"])) == 5


# --- --complete, risk, data show, progress (issue 11) ----------------------------------------


def test_complete_is_recorded_and_shown(run: Run, home: Path) -> None:
    code, out, _ = run("data", "import", "exports", str(USER / "exports_good.csv"),
                       "--home", "LTU", "--complete")
    assert code == 0 and "declared complete" in out
    with Store(home / "marketscout.duckdb") as store:
        (prov,) = store.provenance("user_exports")
    assert prov.complete and "partners not listed count 0" in prov.note
    code, out, _ = run("data", "show", "exports", "--home", "LTU", "--source", "user_exports",
                       "--format", "json")
    doc = json.loads(out)
    assert doc["sources"][0]["complete"] is True and len(doc["rows"]) == 4
    code, out, _ = run("data", "sources")
    assert code == 0 and "complete" in out


def test_complete_without_it_stays_unknown(run: Run, home: Path) -> None:
    assert run("data", "import", "exports", str(USER / "exports_good.csv"), "--home", "LTU")[0] \
        == 0
    with Store(home / "marketscout.duckdb") as store:
        assert not store.provenance("user_exports")[0].complete


def test_complete_applies_to_bilateral_kinds_only(run: Run) -> None:
    code, _, err = run("data", "import", "gii", str(USER / "gii_good.csv"), "--complete")
    assert code == 2 and "--complete applies to fdi and exports" in err


def test_import_risk_pdf_loads_both_kinds_of_not_classified(run: Run, home: Path,
                                                            tmp_path: Path) -> None:
    from sources.pdf_fixture import crc_pdf

    pdf = crc_pdf(tmp_path / "oecd_crc.pdf")
    code, out, err = run("data", "import", "risk", str(pdf))
    assert code == 0, err
    assert "8 rows" in out and "user_oecd_crc" in out
    code, out, _ = run("data", "show", "risk", "--source", "user_oecd_crc", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    got = {r["iso3"]: (r["rating"], r["status"], r["edition"]) for r in rows}
    assert got["SGP"][1:] == ("rated", "2026-01-30") and float(got["SGP"][0]) == 0
    assert got["AUT"] == ("", "not_reviewed_high_income", "2026-01-30")
    assert got["BRB"] == ("", "not_classified", "2026-01-30")  # blank, never 0
    code, out, _ = run("data", "show", "risk", "--source", "user_oecd_crc")
    assert code == 0 and "classification" in out and "market" in out


@pytest.mark.rawdata
def test_import_the_official_risk_pdf(run: Run, home: Path, raw_data: Path) -> None:
    code, out, err = run("data", "import", "risk", str(raw_data / "risk/oecd_crc_2026-01-30.pdf"))
    assert code == 0, err
    assert "201 rows" in out and "201 countries" in out
    with Store(home / "marketscout.duckdb") as store:
        counts = store.query("SELECT status, count(*) FROM risk_rating WHERE source_id = "
                             "'user_oecd_crc' GROUP BY status").values.tolist()
    assert dict(counts) == {"rated": 137, "not_reviewed_high_income": 37, "not_classified": 27}


def test_import_risk_in_credendo_layout_goes_to_the_dsm_reader(run: Run, tmp_path: Path,
                                                              home: Path) -> None:
    path = tmp_path / "credendo.csv"
    path.write_text("market,year,political_st,commercial\nDEU,2024,1,A\nIND,2024,3,B\n")
    code, out, err = run("data", "import", "risk", str(path))
    assert code == 0, err and "user_risk" in out
    with Store(home / "marketscout.duckdb") as store:
        kinds = set(store.table("risk_rating", ["user_risk"])["kind"])
    assert kinds == {"political_st", "commercial"}


@pytest.mark.parametrize("kind", ["gii", "imd", "fdi", "exports", "survey", "list", "risk"])
def test_show_every_importable_kind(run: Run, kind: str) -> None:
    code, out, err = run("data", "show", kind, "--home", "LTU", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["kind"] == kind
    ids = {r["source_id"] for r in doc["rows"]}
    assert ids == {s["source_id"] for s in doc["sources"]}  # every row names its source


def test_show_snapshot_values_and_sources(run: Run) -> None:
    code, out, _ = run("data", "show", "gii", "--source", "wipo_gii_panel", "--format", "csv")
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["edition"] == "2022"]
    assert len(rows) == 132
    code, out, _ = run("data", "show", "exports", "--home", "Lithuania")
    assert code == 0 and "baci_ltu_exports" in out and "[complete]" in out
    code, _, err = run("data", "show", "gdp")
    assert code == 2 and "Unknown kind 'gdp'" in err


def test_show_csv_to_a_file_gets_a_sidecar(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "risk.csv"
    code, _, _ = run("data", "show", "risk", "--format", "csv", "--output", str(target))
    assert code == 0 and target.exists()
    meta = json.loads((tmp_path / "risk.csv.meta.json").read_text())
    assert meta["sources"][0]["source_id"] == "oecd_crc"


def test_large_files_show_progress(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                   ) -> None:
    from marketscout.commands import data_import

    seen: list[str] = []
    real = data_import._progress

    class Spy:
        def __init__(self, file: Path) -> None:
            self.inner = real(file)

        def __enter__(self):  # type: ignore[no-untyped-def]
            step = self.inner.__enter__()
            return lambda text: (seen.append(text), step(text))

        def __exit__(self, *exc: object) -> None:
            self.inner.__exit__(*exc)

    monkeypatch.setattr(data_import, "_progress", Spy)
    monkeypatch.setattr(data_import, "LARGE_FILE", 10)
    code, _, err = run("data", "import", "gii", str(USER / "gii_good.csv"))
    assert code == 0, err
    assert seen == ["reading", "loading 4 rows", "checking what it changes in the ranking"]
