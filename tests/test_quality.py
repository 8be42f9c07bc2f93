"""The code stays lint- and type-clean: ruff and mypy run as part of the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "src", "tests", "bench"], ["mypy"]],
    ids=["ruff", "mypy"],
)
def test_clean(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", *command], cwd=REPO, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_main_jobs_default_seed_is_written_once() -> None:
    """Every default of the main job lives in priority.options.Options (issue 15): the seed
    literal appears in no other source file or template."""
    from marketscout.priority.options import Options

    src = Path(__file__).resolve().parents[1] / "src" / "marketscout"
    seed = str(Options().seed)
    holders = sorted(str(p.relative_to(src)) for p in src.rglob("*")
                     if p.suffix in (".py", ".html", ".js", ".toml") and seed in p.read_text())
    assert holders == ["priority/options.py"]
