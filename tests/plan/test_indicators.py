"""Indicators computed from the store and the register equal an independent count."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from marketscout.plan import register, service
from marketscout.plan.indicators import (
    bilateral_series,
    horizon_series,
    register_series,
    scope_markets,
)
from marketscout.plan.lists import ListVersion
from marketscout.provenance import Provenance
from marketscout.sources.user import parse_exports, parse_fdi
from marketscout.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"


def test_exports_equal_a_recount_of_the_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "exports.csv"
    rows = [("partner", "year", "value", "unit"), ("Germany", "2022", "1200.5", "EUR"),
            ("DEU", "2023", "1300", "EUR"), ("France", "2023", "800", "EUR"),
            ("POL", "2023", "500", "EUR"), ("FRA", "2022", "700", "EUR")]
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    parsed = parse_exports(path, home="LTU")
    store.load(parsed.tables, parsed.provenance)
    wanted = {"DEU": "Germany", "FRA": "France"}
    recount: dict[int, float] = defaultdict(float)
    with path.open(newline="") as fh:
        for r in csv.DictReader(fh):
            if r["partner"] in wanted or r["partner"] in wanted.values():
                recount[int(r["year"])] += float(r["value"])
    found = bilateral_series(store, "LTU", "exports", ["DEU", "FRA"])
    assert found.values.to_dict() == pytest.approx(dict(recount))
    assert found.unit == "EUR" and "user file exports.csv" in found.source


def test_fdi_keeps_one_basis(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "fdi.csv"
    path.write_text("investor,year,value,unit,basis\nSWE,2022,4400,EUR million,ultimate\n"
                    "SWE,2023,3300,EUR million,immediate\nSWE,2024,3400,EUR million,"
                    "immediate\nDEU,2024,5900,EUR million,immediate\n", encoding="utf-8")
    parsed = parse_fdi(path, home="LTU")
    store.load(parsed.tables, parsed.provenance)
    found = bilateral_series(store, "LTU", "fdi", ["SWE"])
    assert found.values.to_dict() == {2023: 3300.0, 2024: 3400.0}  # not the 2022 ultimate
    assert any("immediate" in n for n in found.notes)


def test_missing_store_data_says_how_to_get_it(store: Store) -> None:
    found = bilateral_series(store, "LTU", "exports", ["DEU"])
    assert "marketscout data import exports" in found.missing
    assert "data update cordis" in horizon_series(store, "LTU", ["DEU"]).missing


def participations(store: Store) -> None:
    """Projects P1 (LTU, DEU, DEU, FRA; 2015), P2 (LTU, FRA; 2016), P3 (DEU, FRA; 2016),
    P4 (LTU, ITA; 2016)."""
    rows = [("P1", "LTU", 2015), ("P1", "DEU", 2015), ("P1", "DEU", 2015), ("P1", "FRA", 2015),
            ("P2", "LTU", 2016), ("P2", "FRA", 2016), ("P3", "DEU", 2016), ("P3", "FRA", 2016),
            ("P4", "LTU", 2016), ("P4", "ITA", 2016)]
    frame = pd.DataFrame(rows, columns=["project_id", "iso3", "start_year"])
    frame["org_id"] = [f"o{i}" for i in range(len(rows))]
    frame["role"] = "participant"
    frame["org_type"] = "HES"
    frame["ec_contribution"] = 1.0
    frame["programme"] = "H2020"
    store.load({"horizon_participation": frame},
               Provenance("cordis_test", "CORDIS test", "EC", "file:", "CC BY 4.0", "test"))


def test_joint_projects_count_each_project_once(store: Store) -> None:
    participations(store)
    # with DEU or FRA: P1 (once, though both take part) in 2015, P2 in 2016 (P3 has no LTU)
    found = horizon_series(store, "LTU", ["DEU", "FRA"])
    assert found.values.to_dict() == {2015: 1.0, 2016: 1.0}
    assert horizon_series(store, "LTU", None).values.to_dict() == {2015: 1.0, 2016: 2.0}


def test_register_indicators_by_hand(store: Store, lv: ListVersion) -> None:
    service.import_register(store, "LTU", EXAMPLES / "register.csv")
    acts = register.activities(store, "LTU")
    core = scope_markets("tier", "core", lv)  # DEU, FRA, ITA in the hand list
    missions = register_series(acts, "activities", core, "mission")
    # missions done in 2025 to DEU/FRA/ITA: LT-2025-002 (DEU) and LT-2025-010 (FRA);
    # 2026: LT-2026-001 (ITA)
    assert missions.values[2025] == 2 and missions.values[2026] == 1
    # an activity in k markets counts 1/k in each: LT-2025-005 (SWE, FIN, DNK) + LT-2025-019
    assert register_series(acts, "activities", ["SWE"]).values[2025] == pytest.approx(4 / 3)
    companies = register_series(acts, "companies", ["DEU"])
    # done in 2025 in DEU: 6 + 12 + 20 + 8
    assert companies.values[2025] == 46
    share = register_series(acts, "spending_share", lv.members, unit="%")
    with (EXAMPLES / "register.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["status"] == "done"
                and r["start"].startswith("2025")]
    inside = total = 0.0
    for r in rows:
        cost = float(r["cost"] or r["budget"] or 0)
        markets = [m.strip() for m in r["markets"].split(";")]
        total += cost
        inside += cost * sum(m in lv.members for m in markets) / len(markets)
    assert share.values[2025] == pytest.approx(100 * inside / total)


def test_dashboard_on_the_example(store: Store, lv: ListVersion) -> None:
    service.import_register(store, "LTU", EXAMPLES / "register.csv")
    service.import_targets(store, "LTU", EXAMPLES / "targets.csv")
    board = service.dashboard(store, "LTU", lv, as_of=date(2026, 6, 30)).targets
    t1 = board.set_index("target_id").loc["T1"]
    # 2 missions in 2025 against 3 + 5/3 expected: progress (2 - 3) / (5/3) < 0.5
    assert (t1["value"], t1["value_year"], t1["status"]) == (2.0, 2025, "off track")
    t5 = board.set_index("target_id").loc["T5"]
    assert t5["status"] == "no data"  # the store has no exports in this in-memory store
    assert board["illustrative"].all()
