"""`marketscout plan ...` from the example: import, alignment, propose, report; and a light
start-up (the command module imports no pandas)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"


def test_the_example_end_to_end(run, tmp_path: Path) -> None:
    code, out, _ = run("plan", "register", "import", str(EXAMPLES / "register.csv"))
    assert code == 0 and "Imported 29 activities" in out
    assert run("plan", "targets", "import", str(EXAMPLES / "targets.csv"))[0] == 0
    code, out, err = run("plan", "alignment", "--home", "LTU", "--period", "2025")
    assert code == 0, err
    assert "share of activities in the list" in out and "Drift" in out
    assert "ILLUSTRATIVE" in err
    code, out, err = run("plan", "propose", "--home", "LTU", "--year", "2027",
                         "--activities", "12", "--max-per-market", "2", "--format", "json")
    assert code == 0, err
    found = json.loads(out)
    assert sum(m["new"] for m in found["markets"]) == 12
    assert all(m["total"] <= 2 for m in found["markets"])
    assert found["warnings"][0].startswith("ILLUSTRATIVE") and "ILLUSTRATIVE" in err
    book = tmp_path / "plan.xlsx"
    code, _, err = run("plan", "report", "--home", "LTU", "--output", str(book),
                       "--as-of", "2026-06-30")
    assert code == 0, err
    sheets = load_workbook(book, read_only=True).sheetnames
    assert sheets == ["About", "Register", "Targets", "Alignment", "Effort by market",
                      "Effort by tier", "Gaps", "Drift"]


def test_csv_has_a_sidecar_and_bad_input_exits_2(run, tmp_path: Path) -> None:
    run("plan", "register", "import", str(EXAMPLES / "register.csv"))
    out_file = tmp_path / "register.csv"
    assert run("plan", "register", "list", "--format", "csv", "--output", str(out_file))[0] == 0
    meta = json.loads((tmp_path / "register.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["warnings"][0].startswith("ILLUSTRATIVE")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,type,markets,start,status\nX,mission,Narnia,2025-01-01,done\n",
                   encoding="utf-8")
    code, _, err = run("plan", "register", "import", str(bad))
    assert code == 2 and "row 2" in err and "column 'markets'" in err
    _, out, _ = run("plan", "register", "list", "--format", "json")
    assert len(json.loads(out)["activities"]) == 29  # the failed import changed nothing


def test_add_edit_delete(run) -> None:
    code, _, err = run("plan", "register", "add", "--id", "Z1", "--markets", "POL",
                         "--start", "2026-01-10", "--type", "visit")
    assert code == 0, err
    assert run("plan", "register", "edit", "Z1", "--set", "status=done")[0] == 0
    code, _, err = run("plan", "register", "edit", "Z1", "--set", "status=done", "--version",
                       "1")
    assert code == 2 and "changed by someone else" in err
    assert run("plan", "register", "delete", "Z1")[0] == 0


def test_command_module_starts_light() -> None:
    code = ("import sys, marketscout.commands.plan; "
            "print(sorted(m for m in ('pandas', 'numpy', 'duckdb', 'scipy', 'highspy') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_the_example_targets_read_the_snapshots_own_data(run) -> None:
    """T5 (exports to Germany, USD thousand) and T6 (FDI from Sweden, EUR million) are computed
    from the store, equal to an independent reading of the raw files."""
    import csv

    shared = Path(__file__).resolve().parents[3] / "shared" / "data"
    exports = shared / "trade" / "ltu_exports_by_partner_baci_hs92_v202501_2021_2023.csv"
    with exports.open(newline="", encoding="utf-8") as fh:  # BACI codes: 440 Lithuania, 276 Germany
        deu = {int(r["year"]): float(r["trade_value_usd"]) for r in csv.DictReader(fh)
               if r["exporter"] == "440" and r["importer"] == "276"}
    fdi = shared / "fdi" / "eurostat_fdi_positions_bilateral_2007_2024.csv"
    with fdi.open(newline="", encoding="utf-8") as fh:
        swe = {int(r["year"]): float(r["position_mio_eur"]) for r in csv.DictReader(fh)
               if r["investor"] == "SE" and r["host"] == "LT" and r["position_mio_eur"]}
    assert run("plan", "targets", "import", str(EXAMPLES / "targets.csv"))[0] == 0
    code, out, err = run("plan", "targets", "status", "--home", "LTU", "--format", "json")
    assert code == 0, err
    board = {t["target_id"]: t for t in json.loads(out)["targets"]}
    t5, t6 = board["T5"], board["T6"]
    assert (t5["value_year"], t5["unit"]) == (max(deu), "USD thousand")
    assert t5["value"] == pytest.approx(deu[max(deu)]) and t5["status"] != "no data"
    assert (t6["value_year"], t6["value"]) == (max(swe), pytest.approx(swe[max(swe)]))
