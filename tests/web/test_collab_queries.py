"""Horizon collaboration of two countries (market profile), on a hand-built set of projects."""

from __future__ import annotations

import pandas as pd
import pytest

from marketscout.collab.pair import collaboration
from marketscout.criteria import horizon
from marketscout.provenance import Provenance
from marketscout.store import Store

# P1 (2019): LTU and two German participants (the project counts once); P2 (2019): LTU with
# France only; P3 (2020): LTU (contribution unknown) with Germany; P4 (2020): Germany alone.
PARTICIPATIONS = [
    ("P1", "o1", "LTU", "coordinator", 100.0, 2019),
    ("P1", "o2", "DEU", "participant", 200.0, 2019),
    ("P1", "o3", "DEU", "participant", 50.0, 2019),
    ("P2", "o1", "LTU", "coordinator", 10.0, 2019),
    ("P2", "o4", "FRA", "participant", 5.0, 2019),
    ("P3", "o5", "LTU", "participant", None, 2020),
    ("P3", "o2", "DEU", "coordinator", 30.0, 2020),
    ("P4", "o2", "DEU", "coordinator", 70.0, 2020),
]
PARTS = [("P1", "SC1"), ("P1", "LEIT"), ("P2", "ERC"), ("P3", "SC1"), ("P4", "ERC")]


@pytest.fixture
def cordis(store: Store) -> Store:
    rows = pd.DataFrame(PARTICIPATIONS, columns=["project_id", "org_id", "iso3", "role",
                                                 "ec_contribution", "start_year"])
    rows = rows.assign(org_type="HES", programme="H2020")
    parts = pd.DataFrame(PARTS, columns=["project_id", "programme_part"])
    store.load({"horizon_participation": rows, "horizon_programme_part": parts},
               Provenance(source_id="cordis_test", title="Test participations",
                          publisher="European Commission (CORDIS)", url="file:///test",
                          licence="CC BY 4.0", edition="test"))
    return store


def test_joint_projects_per_year_and_contributions(cordis: Store) -> None:
    found = collaboration(cordis, "LTU", "DEU")
    assert found.per_year[["year", "projects"]].to_dict("records") == [
        {"year": 2019, "projects": 1}, {"year": 2020, "projects": 1}]
    assert found.projects == 2 and found.years == "2019-2020"
    assert found.ec_contribution("home") == 100.0  # P3's LTU contribution is unknown
    assert found.ec_contribution("market") == 200.0 + 50.0 + 30.0  # P4 is not joint
    assert dict(zip(found.parts["programme_part"], found.parts["projects"], strict=True)) == {
        "SC1": 2, "LEIT": 1}
    assert "CORDIS" in found.source


def test_same_count_as_the_horizon_criterion(cordis: Store) -> None:
    value = horizon.compute(cordis, "LTU", ["DEU", "FRA", "ITA"]).values
    assert value.to_dict() == {"DEU": 2.0, "FRA": 1.0, "ITA": 0.0}
    assert collaboration(cordis, "LTU", "FRA").projects == 1


def test_no_joint_project_still_names_the_source(cordis: Store) -> None:
    found = collaboration(cordis, "LTU", "ITA")
    assert found.projects == 0 and found.years == "" and found.parts.empty
    assert found.ec_contribution("home") == 0.0
    assert "CORDIS" in found.source
