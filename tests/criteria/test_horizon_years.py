"""`--horizon-from Y` (and the last year) include the projects that start in Y: the Horizon
criterion on a store whose projects start in every year of 2014-2021, checked against a
count made here from the rows themselves."""

from __future__ import annotations

import pandas as pd
import pytest

from marketscout import criteria
from marketscout.criteria import horizon
from marketscout.provenance import Provenance
from marketscout.store import Store

CANDS = ["DEU", "FRA", "POL"]
# project, country, start year: Lithuania is in P14..P21 (one project a year); its partners
# change from year to year; Q18 has no Lithuanian participant and never counts
ROWS = [
    ("P14", "LTU", 2014), ("P14", "DEU", 2014),
    ("P15", "LTU", 2015), ("P15", "DEU", 2015), ("P15", "FRA", 2015),
    ("P16", "LTU", 2016), ("P16", "FRA", 2016),
    ("P17", "LTU", 2017), ("P17", "DEU", 2017), ("P17", "POL", 2017),
    ("P18", "LTU", 2018), ("P18", "DEU", 2018),
    ("Q18", "DEU", 2018), ("Q18", "POL", 2018),
    ("P19", "LTU", 2019), ("P19", "POL", 2019),
    ("P20", "LTU", 2020), ("P20", "FRA", 2020), ("P20", "DEU", 2020),
    ("P21", "LTU", 2021), ("P21", "DEU", 2021),
]


def independent_count(first: int | None, last: int | None) -> dict[str, float]:
    """Distinct projects with a Lithuanian and a partner participant, started in
    [first, last], counted from ROWS with plain Python."""
    def inside(year: int) -> bool:
        return (first is None or year >= first) and (last is None or year <= last)
    home = {p for p, c, y in ROWS if c == "LTU" and inside(y)}
    return {m: float(len({p for p, c, _ in ROWS if c == m and p in home})) for m in CANDS}


@pytest.fixture
def cordis(store: Store) -> Store:
    frame = pd.DataFrame(ROWS, columns=["project_id", "iso3", "start_year"]).assign(
        role="participant", ec_contribution=1.0, programme="H2020", org_type="PRC")
    frame["org_id"] = [f"o{i}" for i in range(len(frame))]
    store.load({"horizon_participation": frame},
               Provenance(source_id="cordis_h2020", title="CORDIS", publisher="EC", url="u",
                          licence="CC BY 4.0", edition="e"))
    return store


@pytest.mark.parametrize(("first", "last"), [
    (None, None), (2016, None), (2017, None), (2018, None), (2021, None),
    (None, 2017), (None, 2018), (2016, 2018), (2018, 2018), (2015, 2020),
])
def test_horizon_years_are_inclusive(cordis: Store, first: int | None,
                                     last: int | None) -> None:
    result = horizon.compute(cordis, "LTU", CANDS, year=last, first_year=first)
    assert result.values.to_dict() == independent_count(first, last)
    assert result.year == f"{first or 2014}-{last or 2021}"


def test_horizon_from_reaches_the_criterion_through_compute_all(cordis: Store) -> None:
    # the library call behind `marketscout rank --horizon-from 2018`
    found = {c.id: c for c in criteria.compute_all(cordis, "LTU", horizon_from=2018)}
    assert found["horizon"].values.reindex(CANDS).to_dict() == independent_count(2018, None)
    # 2018 itself is in: Germany's P18 counts with P20 and P21
    assert found["horizon"].values["DEU"] == 3.0


@pytest.mark.parametrize(("first", "last"), [(None, 2013), (2022, None), (2019, 2016)])
def test_years_with_no_project_start_are_no_data_not_zeros(
        cordis: Store, first: int | None, last: int | None) -> None:
    # e.g. `rank --year 1991`: every candidate would otherwise "have" 0 joint projects
    result = horizon.compute(cordis, "LTU", CANDS, year=last, first_year=first)
    assert not result.available and result.values.isna().all()
    assert "2014-2021" in " ".join(result.notes)  # the years the data hold
