"""The OECD Country Risk Classification in the country screen: a 0..7 scale (scale_min 0),
'not reviewed' high-income countries as the lowest risk (configurable), 'not classified' as
unknown (the missing-rating rule applies, never a 0), in the layout `data import risk`
writes (kind oecd_crc, status, edition)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from dsm import hand_world as hw
from marketscout.dsm.baseline import run_baseline
from marketscout.dsm.engine import run_dsm
from marketscout.dsm.trade import TradeSource
from marketscout.provenance import Provenance
from marketscout.store import Store

OECD = Provenance(source_id="oecd_crc", title="OECD Country Risk Classification (test rows)",
                  publisher="tests", url="file://tests/dsm/test_oecd_risk.py", licence="test",
                  edition="2026-01-30")
ROWS = pd.DataFrame({
    "iso3": ["DEU", "POL", "FIN", "LTU"], "year": 2021, "kind": "oecd_crc",
    "rating": [None, 3.0, None, None], "scale_min": 0, "scale_max": 7,
    "status": ["not_reviewed_high_income", "rated", "not_classified",
               "not_reviewed_high_income"],
    "edition": "2026-01-30"})


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return hw.write_world(tmp_path / "hw")


def screen(world: Path, rows: pd.DataFrame, **changes: object) -> pd.DataFrame:
    config = replace(hw.CONFIG, **changes)  # type: ignore[arg-type]
    with Store() as store:
        hw.load_inputs(store)
        store.load({"risk_rating": rows}, OECD)
        result = run_dsm(TradeSource.files(world), "LTU", 2021, config, store)
        baseline = run_baseline([world], "LTU", 2021, config, store)
    assert {(m, p) for m, p in result.opportunities[["market", "product"]].itertuples(
        index=False)} == {(m, p) for m, p in baseline.opportunities[["market", "product"]]
                          .itertuples(index=False)}
    return result.markets.set_index("market")


def test_scores_on_a_zero_to_seven_scale(world: Path) -> None:
    markets = screen(world, ROWS)
    # T = (scale_max + 1 - r) / (scale_max + 1 - scale_min): POL rated 3 -> 5/8
    assert markets.loc["POL", "risk_score"] == 0.625
    assert markets.loc["DEU", "risk_score"] == 1.0  # not reviewed: the best class, 0
    assert markets.loc["DEU", "risk_ratings"] == "oecd_crc 0.0"
    assert bool(markets.loc["FIN", "passed_filter1"])  # not classified: kept, flagged
    assert pd.isna(markets.loc["FIN", "risk_score"])
    assert markets.loc["FIN", "filter1_note"] == "no_risk_rating"


def test_not_classified_is_unknown_never_zero(world: Path) -> None:
    markets = screen(world, ROWS, risk_missing="exclude")
    assert markets.loc["FIN", "filter1_reason"] == "no_risk_rating"
    assert bool(markets.loc["DEU", "passed_filter1"])
    unknown = screen(world, ROWS, risk_missing="exclude", risk_not_reviewed="unknown")
    assert unknown.loc["DEU", "filter1_reason"] == "no_risk_rating"


def test_worst_class_and_minimum_score(world: Path) -> None:
    worst = ROWS.assign(rating=[None, 7.0, None, None])
    assert screen(world, worst).loc["POL", "filter1_reason"] == "risk_worst_class"
    assert screen(world, ROWS, risk_min_score=0.7).loc["POL", "filter1_reason"] == (
        "risk_score_low")
    assert bool(screen(world, ROWS, risk_min_score=0.6).loc["POL", "passed_filter1"])


def test_a_partial_import_is_warned_and_kept(world: Path) -> None:
    with Store() as store:
        hw.load_inputs(store)
        store.load({"risk_rating": ROWS[ROWS["iso3"] == "POL"]}, OECD)
        result = run_dsm(TradeSource.files(world), "LTU", 2021, hw.CONFIG, store)
    assert result.markets["passed_filter1"].all()
    assert any("2 of 3 markets have no risk rating" in w and "kept" in w
               for w in result.warnings)
