"""Each criterion on a small hand-built store, checked against hand-computed values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from marketscout import criteria
from marketscout.criteria import digital, exports, fdi, horizon, innovation, survey
from marketscout.provenance import Provenance
from marketscout.store import Store

CANDS = ["DEU", "FRA", "POL", "USA"]


def prov(source_id: str, partial: bool = False) -> Provenance:
    return Provenance(source_id=source_id, title=source_id, publisher="pub", url="u",
                      licence="l", edition="e", partial=partial)


def participations(rows: list[tuple[str, str, str, float, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["project_id", "iso3", "role", "ec_contribution",
                                        "start_year"])
    return frame.assign(org_id=[f"o{i}" for i in range(len(frame))], org_type="PRC",
                        programme="H2020")


def test_horizon_counts_distinct_joint_projects(store: Store) -> None:
    rows = [
        ("P1", "LTU", "coordinator", 10.0, 2015), ("P1", "DEU", "participant", 5.0, 2015),
        ("P1", "DEU", "participant", 7.0, 2015),  # two German partners: still one project
        ("P2", "LTU", "participant", 1.0, 2018), ("P2", "FRA", "coordinator", 4.0, 2018),
        ("P2", "DEU", "thirdParty", float("nan"), 2018),
        ("P3", "DEU", "coordinator", 3.0, 2019), ("P3", "FRA", "participant", 3.0, 2019),
    ]
    store.load({"horizon_participation": participations(rows)}, prov("cordis_h2020"))
    result = horizon.compute(store, "LTU", CANDS)
    assert result.values.to_dict() == {"DEU": 2.0, "FRA": 1.0, "POL": 0.0, "USA": 0.0}
    joint = horizon.joint_projects(store, "LTU")
    assert joint.loc["DEU", "ec_contribution"] == 12.0  # P1 5+7; P2's German share is missing
    assert joint.loc["FRA", "ec_contribution"] == 4.0
    assert result.details["ec_contribution"].to_dict() == {"DEU": 12.0, "FRA": 4.0, "POL": 0.0,
                                                           "USA": 0.0}
    assert horizon.compute(store, "LTU", CANDS, first_year=2016).values["DEU"] == 1.0
    assert horizon.compute(store, "LTU", CANDS, year=2016).values["FRA"] == 0.0
    assert result.year == "2015-2019" and result.coverage == 1.0


def gii(edition: int, scores: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"iso3": list(scores), "edition": edition, "code": "GII",
                         "name": "GII", "score": list(scores.values()), "rank": 1.0})


def test_innovation_uses_latest_complete_edition_and_says_why(store: Store) -> None:
    store.load({"gii": gii(2019, {"DEU": 58.2, "FRA": 54.3, "POL": 41.3})}, prov("wipo_gii_2019"))
    store.load({"gii": gii(2024, {"DEU": 56.0})}, prov("gii_partial", partial=True))
    result = innovation.compute(store, "LTU", CANDS)
    assert result.year == "2019"
    assert result.values["DEU"] == 58.2 and math.isnan(result.values["USA"])
    assert result.n_covered == 3 and result.coverage == 0.75
    assert "2024" in result.notes[0]
    assert innovation.compute(store, "LTU", CANDS, year=2018).available is False


def test_innovation_prefers_the_users_import_for_the_same_edition(store: Store) -> None:
    store.load({"gii": gii(2023, {"DEU": 1.0})}, prov("wipo_gii_2023"))
    store.load({"gii": gii(2023, {"DEU": 2.0, "FRA": 3.0})}, prov("user_gii"))
    assert innovation.compute(store, "LTU", CANDS).values.dropna().to_dict() == {
        "DEU": 2.0, "FRA": 3.0}


def test_digital_converts_ranks_to_scores(store: Store) -> None:
    frame = pd.DataFrame({"iso3": ["DEU", "FRA", "USA", "DEU"], "year": [2024, 2024, 2024, 2023],
                          "score": [float("nan"), 80.0, float("nan"), 99.0],
                          "rank": [1.0, 5.0, 67.0, 2.0], "n_economies": [67, 67, 67, 64]})
    store.load({"imd": frame}, prov("imd_partial", partial=True))
    result = digital.compute(store, "LTU", CANDS)
    assert result.year == "2024"
    # 100 * (n - rank) / (n - 1): first 100, last 0; a published score is kept as it is
    assert result.values["DEU"] == 100.0 and result.values["USA"] == 0.0
    assert result.values["FRA"] == 80.0
    assert result.partial and "converted" in result.notes[0]


def bilateral(values: dict[str, float], year: int, unit: str, home: str = "LTU") -> pd.DataFrame:
    return pd.DataFrame({"home": home, "partner": list(values), "year": year,
                         "value": list(values.values()), "unit": unit})


def test_exports_never_mix_units_and_prefer_wider_coverage(store: Store) -> None:
    store.load({"exports": bilateral({"DEU": 5.0, "POL": 3.0, "USA": 1.0}, 2023, "USD")},
               prov("exports_partial_top", partial=True))
    store.load({"exports": bilateral({"FRA": 9.0}, 2023, "EUR")}, prov("other_partial", True))
    result = exports.compute(store, "LTU", CANDS)
    assert result.unit == "USD"
    assert result.values.dropna().to_dict() == {"DEU": 5.0, "POL": 3.0, "USA": 1.0}


def test_exports_three_year_mean(store: Store) -> None:
    rows = pd.concat([bilateral({"DEU": v}, y, "EUR") for y, v in
                      [(2020, 1.0), (2021, 2.0), (2022, 3.0), (2023, 7.0)]])
    store.load({"exports": rows}, prov("user_exports"))
    assert exports.compute(store, "LTU", CANDS).values["DEU"] == 7.0
    mean3 = exports.compute(store, "LTU", CANDS, mean_years=3)
    assert mean3.values["DEU"] == 4.0 and mean3.year == "2021-2023 mean"


def test_fdi_is_for_the_home_country_only(store: Store) -> None:
    rows = pd.concat([bilateral({"DEU": 5700.0}, 2023, "EUR million"),
                      bilateral({"DEU": 1.0}, 2023, "EUR million", home="LVA")])
    store.load({"fdi_inward": rows.assign(basis="immediate")}, prov("bol_fdi_partial", True))
    result = fdi.compute(store, "LTU", CANDS)
    assert result.values.dropna().to_dict() == {"DEU": 5700.0}
    assert result.unit == "EUR million"


def test_survey_borda_points(store: Store) -> None:
    rows = pd.DataFrame({"association": ["A", "A", "A", "B", "B"],
                         "market": ["DEU", "POL", "USA", "POL", "FRA"],
                         "position": [1, 2, 3, 1, 2]})
    store.load({"survey": rows}, prov("user_survey"))
    values = survey.compute(store, "LTU", CANDS).values
    # k = 3, the longest list: A: DEU 3, POL 2, USA 1; B: POL 3, FRA 2; mean over two
    assert values.to_dict() == {"DEU": 1.5, "FRA": 1.0, "POL": 2.5, "USA": 0.5}


def test_empty_store_reports_every_criterion_as_unavailable(store: Store) -> None:
    found = criteria.compute_all(store, "Lithuania")
    assert [c.id for c in found] == list(criteria.REGISTRY)
    assert not any(c.available for c in found)
    rows = criteria.status(found)
    assert all(r["covered"] == 0 and "marketscout data" in str(r["how_to_get"]) for r in rows)
    assert all(c.source == "no data" for c in found)


@pytest.mark.parametrize("home", ["LTU", "Lithuania", "LT"])
def test_home_is_never_a_candidate(store: Store, home: str) -> None:
    found = criteria.compute_all(store, home, exclude=["RUS"])
    assert "LTU" not in found[0].values.index and "RUS" not in found[0].values.index


def test_one_source_can_hold_two_units_and_they_are_not_mixed(store: Store) -> None:
    rows = pd.concat([bilateral({"DEU": 5.0}, 2023, "USD"),
                      bilateral({"DEU": 12.0, "POL": 8.0}, 2022, "% of home's total exports")])
    store.load({"exports": rows}, prov("exports_partial_top", partial=True))
    result = exports.compute(store, "LTU", CANDS, mean_years=3)
    assert {result.unit} <= {"USD", "% of home's total exports"}
    # the share rows cover more partners in their latest year, so they win; never averaged
    assert result.values.dropna().to_dict() == {"DEU": 12.0, "POL": 8.0}


def test_compute_all_passes_criterion_options(store: Store) -> None:
    rows = [("P1", "LTU", "coordinator", 1.0, 2015), ("P1", "DEU", "participant", 1.0, 2015),
            ("P2", "LTU", "coordinator", 1.0, 2019), ("P2", "DEU", "participant", 1.0, 2019)]
    store.load({"horizon_participation": participations(rows)}, prov("cordis_h2020"))
    store.load({"exports": pd.concat([bilateral({"DEU": v}, y, "EUR")
                                      for y, v in [(2022, 2.0), (2023, 4.0)]])},
               prov("user_exports"))
    found = {c.id: c for c in criteria.compute_all(store, "LTU", horizon_from=2016,
                                                   exports_mean_years=2)}
    assert found["horizon"].values["DEU"] == 1.0 and found["horizon"].year == "2016-2019"
    assert found["exports"].values["DEU"] == 3.0
    table = criteria.matrix(list(found.values()), details=True)
    assert "horizon_ec_contribution" in table.columns


def test_mean_years_must_be_positive(store: Store) -> None:
    store.load({"exports": bilateral({"DEU": 1.0}, 2023, "EUR")}, prov("user_exports"))
    with pytest.raises(Exception, match="at least 1"):
        exports.compute(store, "LTU", CANDS, mean_years=0)


def test_the_front_door_passes_the_options_data_choices(store: Store) -> None:
    from marketscout.priority import run
    from marketscout.priority.options import Options

    rows = [("P1", "LTU", "coordinator", 1.0, 2015), ("P1", "DEU", "participant", 1.0, 2015),
            ("P2", "LTU", "coordinator", 1.0, 2019), ("P2", "DEU", "participant", 1.0, 2019)]
    store.load({"horizon_participation": participations(rows)}, prov("cordis_h2020"))
    store.load({"exports": pd.concat([bilateral({"DEU": v}, y, "EUR")
                                      for y, v in [(2021, 1.0), (2022, 2.0), (2023, 4.0)]])},
               prov("user_exports"))
    # only horizon and exports have data for 2023: the others' absence is no error
    found = {c.id: c for c in run.compute_criteria(
        store, "LTU", Options(year=2023, horizon_from=2016, exports_mean_years=2))}
    assert found["horizon"].values["DEU"] == 1.0 and found["horizon"].year == "2016-2023"
    assert found["exports"].values["DEU"] == 3.0  # (2 + 4) / 2
    assert found["exports"].year == "2022-2023 mean"
    assert not found["innovation"].available


def test_horizon_spans_every_cordis_source(store: Store) -> None:
    # two dumps (Horizon 2020 from 2015, Horizon Europe from 2021): the years counted run
    # from the earliest start in any of them to the latest
    store.load({"horizon_participation": participations(
        [("P1", "LTU", "coordinator", 1.0, 2015), ("P1", "DEU", "participant", 1.0, 2015),
         ("P2", "POL", "coordinator", 1.0, 2016)])}, prov("cordis_h2020"))
    store.load({"horizon_participation": participations(
        [("P3", "LTU", "coordinator", 1.0, 2022), ("P3", "FRA", "participant", 1.0, 2022)])
        .assign(org_id=["x1", "x2"])}, prov("cordis_horizon"))
    result = horizon.compute(store, "LTU", CANDS)
    assert result.year == "2015-2022"
    assert result.values.to_dict() == {"DEU": 1.0, "FRA": 1.0, "POL": 0.0, "USA": 0.0}
    # POL took part in 2016 only (no joint project): a reported 0; USA never took part
    assert result.reported_mask.to_dict() == {"DEU": True, "FRA": True, "POL": True,
                                              "USA": False}
    # from 2020 on, only those taking part in projects starting then count as reported
    later = horizon.compute(store, "LTU", CANDS, first_year=2020)
    assert later.year == "2020-2022"
    assert later.reported_mask.to_dict() == {"DEU": False, "FRA": True, "POL": False,
                                             "USA": False}
