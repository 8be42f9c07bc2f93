"""HiGHS prints nothing to stdout: its "Running HiGHS ..." banner comes once per process, at
the first solver object, so the check runs the optimal selection in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from marketscout import calls
assessment = calls.load(sys.argv[1], sys.argv[2], sys.argv[3])
result = calls.fund(assessment, "optimal")
sys.stderr.write(f"funded {result.count}")
"""


def test_optimal_selection_prints_nothing(example: Path) -> None:
    files = [str(example / name) for name in ("call.toml", "proposals.csv", "scores.csv")]
    done = subprocess.run([sys.executable, "-c", SCRIPT, *files], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("funded 4")  # the example's optimal selection funds four
    assert done.stdout == ""
