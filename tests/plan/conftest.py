"""Plan fixtures: a hand-made list version and small registers written as files."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from marketscout.plan.lists import ListVersion

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"
HEADER = ["id", "type", "markets", "start", "end", "status", "currency", "budget", "cost",
          "companies", "leads", "sector"]


def hand_list() -> ListVersion:
    """Five markets on the list (DEU 1 ... POL 5; DEU, FRA, ITA core, ESP, POL likely) and
    two off it (USA watch, CHN none)."""
    rows = [("DEU", 1, "core", 90.0, 1.0), ("FRA", 2, "core", 80.0, 1.0),
            ("ITA", 3, "core", 70.0, 0.95), ("ESP", 4, "likely", 60.0, 0.7),
            ("POL", 5, "likely", 50.0, 0.6), ("USA", None, "watch", 45.0, 0.3),
            ("CHN", None, "", 40.0, 0.0)]
    frame = pd.DataFrame(rows, columns=["iso3", "position", "tier", "score", "p_top"])
    frame["market"] = frame["iso3"]
    frame["rank"] = range(1, len(rows) + 1)
    frame["rank"] = frame["rank"].astype(float)
    frame["selected"] = frame["position"].notna()
    frame["position"] = frame["position"].astype("Int64")
    return ListVersion("hand", "hand-made list of five", frame, True)


@pytest.fixture
def lv() -> ListVersion:
    return hand_list()


Write = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> Write:
    """Write rows (dicts or lists) under a header into tmp_path/NAME."""
    def write(name: str, rows: list, header: list[str] | None = None) -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header or HEADER)
            for r in rows:
                w.writerow(r)
        return path

    return write
