"""`marketscout data import`: a thin command; errors reach the user with file, row and column."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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
