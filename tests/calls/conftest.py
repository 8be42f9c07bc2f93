"""Builders for small calls: a two-funder call as a dict, files written on the fly, the CLI."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "calls" / "lt-il"
ALL_TYPES = {"sme": 1.0, "large": 1.0, "research": 1.0, "university": 1.0}

# Funder A pays Lithuanian partners, funder B Israeli ones, both at 100% with no caps, so
# hand computations only need the requested amounts.
BASE: dict[str, Any] = {
    "name": "Test call",
    "evaluation": {"scale": [0, 5], "aggregate": "mean", "conflict": "error"},
    "criterion": [{"id": "excellence", "weight": 1}, {"id": "impact", "weight": 1}],
    "funder": [
        {"id": "A", "countries": ["LTU"], "budget": 100, "rates": dict(ALL_TYPES)},
        {"id": "B", "countries": ["ISR"], "budget": 100, "rates": dict(ALL_TYPES)},
    ],
}


@pytest.fixture
def call_dict() -> dict[str, Any]:
    """A fresh copy of the two-funder test call, to edit per test."""
    return copy.deepcopy(BASE)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text to tmp_path/name and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def example() -> Path:
    return EXAMPLE


CallCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def call_cli(cli_run: CallCli) -> CallCli:
    """Run `marketscout ARGS` in-process (the call commands need no store)."""
    return cli_run
