"""Alignment figures against hand computation on a small register (docs/plan.md)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from marketscout.plan import service
from marketscout.plan.alignment import align, compare, spearman
from marketscout.plan.effort import parse_period
from marketscout.plan.lists import ListVersion
from marketscout.store import Store

ROWS = [  # id, type, markets, start, end, status, currency, budget, cost, companies, leads
    ["A1", "mission", "DEU", "2025-03-01", "", "done", "EUR", "", "100", "4", "2", ""],
    ["A2", "event", "DEU; FRA", "2025-04-01", "2025-04-03", "done", "EUR", "", "200", "6",
     "", ""],
    ["A3", "visit", "ESP", "2025-05-01", "", "planned", "EUR", "50", "", "", "", ""],
    ["A4", "mission", "USA", "2025-06-01", "", "done", "EUR", "", "80", "", "", ""],
    ["A5", "mission", "FRA", "2025-07-01", "", "cancelled", "EUR", "500", "", "", "", ""],
    ["A6", "mission", "POL", "2025-08-01", "", "done", "USD", "", "30", "", "", ""],
    ["A7", "mission", "DEU", "2024-08-01", "", "done", "EUR", "", "40", "", "", ""],
]


@pytest.fixture
def found(store: Store, write_csv, lv: ListVersion):
    service.import_register(store, "LTU", write_csv("r.csv", ROWS))
    return service.alignment(store, "LTU", lv, parse_period("2025"))


def test_effort_is_split_between_markets_and_cancelled_is_left_out(found) -> None:
    m = found.markets.set_index("iso3")
    # A1 + half of A2 in Germany; the other half in France; A5 (cancelled) not counted
    assert m.loc["DEU", "activities"] == 1.5 and m.loc["DEU", "cost"] == 200
    assert m.loc["FRA", "activities"] == 0.5 and m.loc["FRA", "cost"] == 100
    assert m.loc["ESP", "cost"] == 50  # planned: its budget stands for the cost
    assert m.loc["ITA", "activities"] == 0
    assert math.isnan(m.loc["POL", "cost"])  # USD is never converted into EUR
    assert found.activities == 5  # A1, A2, A3, A4, A6 (A7 is 2024)


def test_shares_in_list_and_tiers(found) -> None:
    assert found.shares["activities_in_list"] == pytest.approx(4 / 5)
    assert found.shares["cost_in_list"] == pytest.approx(350 / 430)
    tiers = found.tiers.set_index("tier")
    assert tiers.loc["core", "activities"] == 2.0 and tiers.loc["core", "cost"] == 300
    assert tiers.loc["likely", "activities"] == 2.0 and tiers.loc["likely", "cost"] == 50
    assert tiers.loc["watch", "share_activities"] == pytest.approx(1 / 5)
    assert tiers.loc["core", "markets_with_activity"] == 2


def test_spearman_by_hand(found) -> None:
    # priority ranks (DEU 5 ... POL 1) against effort ranks DEU 5, FRA 2, ITA 1, ESP 3.5,
    # POL 3.5: sum d_p d_e = 1.5, sum d_p^2 = 10, sum d_e^2 = 9.5
    rho = 1.5 / math.sqrt(10 * 9.5)
    assert found.spearman_activities.rho == pytest.approx(rho)
    t = rho * math.sqrt(3 / (1 - rho**2))
    from scipy.stats import t as student

    assert found.spearman_activities.p_value == pytest.approx(2 * student.sf(t, 3))
    # cost: DEU 200, FRA 100, ESP 50, ITA 0, POL 0 (USD left out): sum d_p d_e = 8
    assert found.spearman_cost.rho == pytest.approx(8 / math.sqrt(10 * 9.5))
    assert found.spearman_activities.n == 5


def test_gaps_and_drift(found) -> None:
    assert found.gaps["iso3"].tolist() == ["ITA"]  # core, no activity (ESP is likely)
    assert found.drift[["iso3", "activities", "cost"]].values.tolist() == [["USA", 1.0, 80.0]]
    assert found.drift.loc[0, "activity_ids"] == "A4"


def test_other_currency_is_warned(found) -> None:
    assert any("A6" in w and "EUR" in w for w in found.warnings)


def test_compare_two_periods(store: Store, write_csv, lv: ListVersion) -> None:
    service.import_register(store, "LTU", write_csv("r.csv", ROWS))
    a = service.alignment(store, "LTU", lv, parse_period("2024"))
    b = service.alignment(store, "LTU", lv, parse_period("2025"))
    head, markets = compare(a, b, ("2024", "2025"))
    counted = head.set_index("figure").loc["activities counted"]
    assert (counted["2024"], counted["2025"], counted["change"]) == (1, 5, 4)
    deu = markets.set_index("iso3").loc["DEU"]
    assert deu["activities change"] == pytest.approx(0.5)


def test_compare_two_list_versions(store: Store, write_csv, lv: ListVersion) -> None:
    service.import_register(store, "LTU", write_csv("r.csv", ROWS))
    frame = lv.markets.copy()
    frame.loc[frame["iso3"] == "USA", ["selected", "position"]] = [True, 6]
    wider = ListVersion("wider", "with USA", frame, True)
    a = service.alignment(store, "LTU", lv, parse_period("2025"))
    b = service.alignment(store, "LTU", wider, parse_period("2025"))
    head, _ = compare(a, b, ("hand", "wider"))
    share = head.set_index("figure").loc["share of activities in the list"]
    assert share["hand"] == pytest.approx(0.8) and share["wider"] == pytest.approx(1.0)
    assert b.drift.empty


def test_spearman_undefined_cases() -> None:
    assert math.isnan(spearman([1, 2], [1, 2]).rho)
    flat = spearman([-1, -2, -3], [0, 0, 0])
    assert math.isnan(flat.rho) and "same" in flat.note


def test_example_register_drift_is_off_list(store: Store, lv: ListVersion) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples" / "plan"
    service.import_register(store, "LTU", examples / "register.csv")
    found = align(service.register.activities(store, "LTU"), lv, "LTU")
    assert set(found.drift["iso3"]).isdisjoint(lv.members)
    assert found.warnings[0].startswith("ILLUSTRATIVE")


def test_an_empty_register(store: Store, lv: ListVersion) -> None:
    found = service.alignment(store, "LTU", lv, parse_period("2025"))
    assert found.activities == 0 and found.gaps["iso3"].tolist() == ["DEU", "FRA", "ITA"]
    acts, goals = service.market_plan(store, "LTU", "DEU")
    assert acts.empty and goals.empty
    assert service.filter_register(service.register.activities(store, "LTU"), "DEU",
                                   "mission", "2025").empty
