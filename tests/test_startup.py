"""Start-up guard: help and argument errors load none of the numerical or web stack.

A structural check, not a timing: each command runs in a fresh interpreter and the test reads
`sys.modules` at exit (issue 16). The timings live in bench/bench_startup.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "numpy", "duckdb", "scipy", "fastapi", "openpyxl", "xlsxwriter", "pyarrow",
         "pydantic")
SRC = Path(__file__).resolve().parents[1] / "src"

# Runs the CLI's main as `marketscout ARGS` would, then prints the heavy modules loaded.
WRAPPER = """
import json, sys
from marketscout.cli import main
args, heavy = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["marketscout", *args]
try:
    main()
except SystemExit:
    pass
print("HEAVY=" + json.dumps(sorted({m.split(".")[0] for m in sys.modules} & heavy)))
"""


def _heavy_after(args: list[str], **env_vars: str) -> tuple[list[str], str]:
    env = {**os.environ, **env_vars, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    line = [x for x in done.stdout.splitlines() if x.startswith("HEAVY=")]
    assert line, done.stdout + done.stderr
    return json.loads(line[-1][len("HEAVY="):]), done.stdout + done.stderr


@pytest.mark.parametrize("args", [
    ["--help"],
    ["rank", "--help"],
    ["rank", "--top", "abc"],
    ["index", "--help"],
    ["dsm", "--help"],
    *([name, "--help"] for name in ("report", "criteria", "plan", "survey", "serve", "users",
                                    "snapshot", "collab", "partners", "call", "data")),
    ["collab", "pairs", "--help"],
    ["call", "check", "--help"],
    ["data", "update", "--help"],
], ids=" ".join)
def test_light_paths_import_no_heavy_module(args: list[str]) -> None:
    heavy, out = _heavy_after(args)
    assert heavy == [], f"`marketscout {' '.join(args)}` imported {heavy}"
    assert "Traceback" not in out


def test_argument_error_is_a_usage_message() -> None:
    _, out = _heavy_after(["rank", "--top", "abc"])
    assert "--top" in out and "Usage:" in out


def test_help_lists_the_main_job_first_with_plain_flags() -> None:
    _, out = _heavy_after(["--help"])
    commands = out.split("Commands:", 1)[1].split()
    assert commands[0] == "rank"
    assert commands.index("rank") < commands.index("partners")
    _, rank_help = _heavy_after(["rank", "--help"])
    assert re.search(r"^  --home \S+ ", rank_help, re.M)  # `--flag VALUE`, as click prints
    assert re.search(r"^  --compare \S+ ", rank_help, re.M)
    assert "╭" not in rank_help  # plain click help, not Rich panels


def test_a_warm_rank_on_kept_criteria_needs_no_database_engine(tmp_path: Path) -> None:
    """The criteria kept from the first run (priority.memo) are read without opening the
    store: DuckDB, SciPy, the web and Excel stacks stay unloaded (pandas reads the kept
    frames)."""
    home = {"MARKETSCOUT_HOME": str(tmp_path / "home"),
            "MARKETSCOUT_CACHE": str(tmp_path / "cache")}
    first, out = _heavy_after(["rank", "--home", "LTU"], **home)
    assert "duckdb" in first and "Traceback" not in out  # the first run builds the store
    heavy, out = _heavy_after(["rank", "--home", "LTU"], **home)
    assert "Lithuania" in out or "LTU" in out
    assert set(heavy) <= {"pandas", "numpy", "pyarrow"}, heavy
