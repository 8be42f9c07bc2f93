"""The target status rule (docs/plan.md, "Status"), case by case."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from marketscout.plan.indicators import Series
from marketscout.plan.status import StatusRule, evaluate, last_year


def values(**by_year: float) -> Series:
    return Series(pd.Series({int(k[1:]): v for k, v in by_year.items()}, dtype=float),
                  "missions", "test")


@pytest.mark.parametrize(("value", "expected_status"), [
    (7.0, "on track"),   # expected by 2025: 4 + (10 - 4) * 1/3 = 6; progress 3/2
    (5.8, "on track"),   # progress (5.8 - 4) / 2 = 0.9: exactly the on-track threshold
    (5.0, "at risk"),    # progress 0.5: exactly the at-risk threshold
    (4.9, "off track"),  # progress 0.45
    (3.0, "off track"),  # below the baseline
])
def test_thresholds_before_the_target_year(value: float, expected_status: str) -> None:
    ev = evaluate(4, 2024, 10, 2027, values(y2025=value), until=2026)
    assert ev.status == expected_status
    assert ev.expected == pytest.approx(6.0)
    assert ev.year == 2025


def test_latest_year_within_range_is_used() -> None:
    ev = evaluate(4, 2024, 10, 2027, values(y2025=5, y2026=9, y2030=1), until=2026)
    assert (ev.year, ev.value, ev.status) == (2026, 9, "on track")  # expected 8; p = 1.25


def test_in_the_target_year_only_reaching_it_counts() -> None:
    assert evaluate(4, 2024, 10, 2027, values(y2027=9.8), until=2027).status == "off track"
    assert evaluate(4, 2024, 10, 2027, values(y2027=10), until=2027).status == "on track"


def test_a_falling_target() -> None:
    # reduce drift cost from 100 to 40 by 2027: expected 80 in 2025
    assert evaluate(100, 2024, 40, 2027, values(y2025=78), until=2026).status == "on track"
    assert evaluate(100, 2024, 40, 2027, values(y2025=95), until=2026).status == "off track"


def test_keep_a_level() -> None:
    assert evaluate(5, 2024, 5, 2027, values(y2025=5), until=2026).status == "on track"
    assert evaluate(5, 2024, 5, 2027, values(y2025=4), until=2026).status == "off track"


def test_no_data_cases() -> None:
    only_baseline = evaluate(4, 2024, 10, 2027, values(y2024=4), until=2026)
    assert only_baseline.status == "no data" and "latest data year is 2024" in (
        only_baseline.detail)
    missing = Series(pd.Series(dtype=float), "", "x", missing="Import exports: ...")
    assert evaluate(1, 2020, 2, 2025, missing, until=2025).detail == "Import exports: ..."
    unit = evaluate(1, 2020, 2, 2025, Series(pd.Series({2021: 1.5}), "EUR", "x"), 2025,
                    unit="USD")
    assert unit.status == "no data" and "'EUR'" in unit.detail


def test_custom_thresholds() -> None:
    rule = StatusRule(on_track=0.4, at_risk=0.2)
    assert evaluate(4, 2024, 10, 2027, values(y2025=5), until=2026, rule=rule).status == (
        "on track")


def test_register_counts_use_complete_years_only() -> None:
    assert last_year("activities", 2027, date(2026, 6, 1)) == 2025
    assert last_year("activities", 2027, date(2026, 12, 31)) == 2026
    assert last_year("activities", 2025, date(2030, 1, 1)) == 2025
    assert last_year("exports", 2027, date(2026, 6, 1)) == 2027
