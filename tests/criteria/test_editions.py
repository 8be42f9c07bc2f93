"""Which edition a criterion uses (criteria.base.choose_edition), bilateral tables declared
complete, and the availability marks; all on hand-built stores with hand-counted answers."""

from __future__ import annotations

import pandas as pd
import pytest

from marketscout.criteria import exports, fdi, horizon, innovation, survey
from marketscout.criteria.base import Edition, choose_edition
from marketscout.errors import InputError
from marketscout.provenance import Provenance
from marketscout.store import Store

CANDS = ["DEU", "FRA", "POL", "USA"]


def prov(source_id: str, partial: bool = False, complete: bool = False) -> Provenance:
    return Provenance(source_id=source_id, title=source_id, publisher="Pub (X)", url="u",
                      licence="l", edition="e", partial=partial, complete=complete)


def gii(edition: int, scores: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"iso3": list(scores), "edition": edition, "code": "GII",
                         "name": "GII", "score": list(scores.values()), "rank": 1.0})


def e(source: str, year: int, covered: int, partial: bool = False) -> Edition:
    return Edition(source, year, covered, partial)


@pytest.mark.parametrize(("editions", "expected"), [
    # the newest that passes 50 % of 4 candidates (2) wins
    ([e("a", 2019, 4), e("b", 2022, 2)], ("b", 2022)),
    # a newer edition below the threshold loses to an older complete one
    ([e("a", 2019, 4), e("b", 2024, 1)], ("a", 2019)),
    # complete before partial, even when the partial one is newer and passes
    ([e("a", 2019, 3), e("gii_partial", 2023, 3, partial=True)], ("a", 2019)),
    # nothing passes: the best covering, most recent, still chosen (then left out visibly)
    ([e("a", 2019, 1), e("b", 2020, 1)], ("b", 2020)),
    # the user's import before the publisher's file for the same year and coverage
    ([e("wipo", 2022, 4), e("user_gii", 2022, 4)], ("user_gii", 2022)),
])
def test_the_edition_rule(editions: list[Edition], expected: tuple[str, int]) -> None:
    best, _ = choose_edition(editions, 4, 0.5)
    assert (best.source_id, best.edition) == expected


def test_exactly_the_threshold_passes() -> None:
    best, _ = choose_edition([e("a", 2019, 4), e("b", 2022, 2)], 4, 0.5)
    assert best.edition == 2022  # 2/4 = 50 % exactly is enough
    best, _ = choose_edition([e("a", 2019, 4), e("b", 2022, 1)], 4, 0.5)
    assert best.edition == 2019  # 1/4 is not


def test_a_pinned_edition_wins_and_an_unknown_one_is_refused() -> None:
    editions = [e("a", 2019, 4), e("b", 2024, 1)]
    assert choose_edition(editions, 4, 0.5, pinned="2024")[0].edition == 2024
    with pytest.raises(InputError, match="No edition 2020") as info:
        choose_edition(editions, 4, 0.5, pinned="2020")
    assert "2019, 2024" in (info.value.fix or "")


def test_a_partial_gii_import_does_not_knock_out_the_complete_edition(store: Store) -> None:
    store.load({"gii": gii(2022, dict(zip(CANDS, [60.0, 55.0, 40.0, 62.0], strict=True)))},
               prov("wipo_gii_panel"))
    store.load({"gii": gii(2024, {"DEU": 57.0})}, prov("user_gii"))
    result = innovation.compute(store, "LTU", CANDS)
    assert result.year == "2022" and result.label == "GII 2022"
    assert result.values["DEU"] == 60.0
    assert any("2024 (user_gii)" in n and "1/4" in n for n in result.notes)
    pinned = innovation.compute(store, "LTU", CANDS, edition="2024")
    assert pinned.values.dropna().to_dict() == {"DEU": 57.0}


def exports_rows(year: int, values: dict[str, float], unit: str = "USD thousand"
                 ) -> pd.DataFrame:
    return pd.DataFrame({"home": "LTU", "partner": list(values), "year": year,
                         "value": list(values.values()), "unit": unit})


def test_complete_exports_count_absent_partners_as_zero(store: Store) -> None:
    frame = pd.concat([exports_rows(2022, {"DEU": 10.0, "FRA": 4.0}),
                       exports_rows(2023, {"DEU": 12.0, "POL": 3.0})])
    store.load({"exports": frame}, prov("baci_ltu", complete=True))
    latest = exports.compute(store, "LTU", CANDS)
    assert latest.values.to_dict() == {"DEU": 12.0, "FRA": 0.0, "POL": 3.0, "USA": 0.0}
    assert latest.coverage == 1.0 and latest.unit == "USD thousand"
    assert latest.reported_mask.to_dict() == {"DEU": True, "FRA": False, "POL": True,
                                              "USA": False}
    assert "counts 0" in latest.notes[0]
    mean = exports.compute(store, "LTU", CANDS, mean_years=2)
    # DEU (10+12)/2, FRA (4+0)/2, POL (0+3)/2, USA 0: absent years are zeros too
    assert mean.values.to_dict() == {"DEU": 11.0, "FRA": 2.0, "POL": 1.5, "USA": 0.0}


def test_undeclared_exports_leave_absent_partners_unknown(store: Store) -> None:
    store.load({"exports": exports_rows(2023, {"DEU": 12.0, "POL": 3.0})}, prov("user_exp"))
    result = exports.compute(store, "LTU", CANDS, min_coverage=0.5)
    assert result.values.isna().to_dict() == {"DEU": False, "FRA": True, "POL": False,
                                              "USA": True}
    assert "not zero" in result.notes[0]


def test_a_complete_table_is_chosen_over_a_newer_seven_partner_extract(store: Store) -> None:
    store.load({"exports": exports_rows(2023, {"DEU": 12.0, "POL": 3.0, "FRA": 1.0})},
               prov("baci_ltu", complete=True))
    store.load({"exports": exports_rows(2024, {"DEU": 13.0})},
               prov("exports_partial_top", partial=True))
    result = exports.compute(store, "LTU", CANDS)
    assert result.year == "2023" and result.sources[0].source_id == "baci_ltu"


def test_units_are_never_mixed(store: Store) -> None:
    frame = pd.concat([exports_rows(2023, {"DEU": 12.0, "POL": 3.0, "FRA": 2.0}),
                       exports_rows(2023, {"USA": 99.0}, unit="EUR million")])
    store.load({"exports": frame}, prov("mixed"))
    result = exports.compute(store, "LTU", CANDS)
    assert result.unit == "USD thousand" and pd.isna(result.values["USA"])


def test_fdi_coverage_threshold_is_an_option(store: Store) -> None:
    frame = pd.DataFrame({"home": "LTU", "partner": ["DEU"], "year": 2023, "value": [5.0],
                          "unit": "EUR million", "basis": "immediate"})
    store.load({"fdi_inward": frame}, prov("eurostat_fdi"))
    result = fdi.compute(store, "LTU", CANDS, min_coverage=0.25)
    assert result.n_covered == 1 and result.values["DEU"] == 5.0


def test_horizon_zero_for_a_country_absent_from_cordis_is_not_reported(store: Store) -> None:
    rows = pd.DataFrame({"project_id": ["P1", "P1", "P2"], "iso3": ["LTU", "DEU", "FRA"],
                         "role": "participant", "ec_contribution": 1.0, "start_year": 2016,
                         "org_id": ["a", "b", "c"], "org_type": "PRC", "programme": "H2020"})
    store.load({"horizon_participation": rows}, prov("cordis_h2020"))
    result = horizon.compute(store, "LTU", CANDS)
    assert result.values.to_dict() == {"DEU": 1.0, "FRA": 0.0, "POL": 0.0, "USA": 0.0}
    # FRA takes part in CORDIS (a reported 0); POL and USA do not (0 filled by rule)
    assert result.reported_mask.to_dict() == {"DEU": True, "FRA": True, "POL": False,
                                              "USA": False}


def test_survey_zero_for_an_unnamed_market_is_not_reported(store: Store) -> None:
    answers = pd.DataFrame({"association": ["A", "A", "B"], "market": ["DEU", "FRA", "DEU"],
                            "position": [1, 2, 1]})
    store.load({"survey": answers}, prov("user_survey"))
    result = survey.compute(store, "LTU", CANDS)
    assert result.values["POL"] == 0.0
    assert result.reported_mask.to_dict() == {"DEU": True, "FRA": True, "POL": False,
                                              "USA": False}


def test_an_import_says_what_it_changes_in_the_ranking(store: Store) -> None:
    from marketscout.countries import candidates
    from marketscout.priority.impact import import_impact

    everyone = candidates("LTU")
    store.load({"gii": gii(2022, dict.fromkeys(everyone, 50.0))}, prov("wipo_gii_panel"))
    store.load({"gii": gii(2024, {"DEU": 57.0, "FRA": 50.0})}, prov("user_gii"))
    lines = import_impact(store, "gii", "user_gii")
    assert lines[0] == f"The file covers 2 of {len(everyone)} candidate markets of LTU (1%)."
    assert "keeps using GII 2022" in lines[1] and "--edition innovation=YEAR" in lines[1]
    store.load({"gii": gii(2025, dict.fromkeys(everyone[:150], 60.0))}, prov("user_gii2"))
    lines = import_impact(store, "gii", "user_gii2")
    assert "now uses it (GII 2025)" in lines[1]
    assert import_impact(store, "list", "user_list") == []


def test_the_gii_trend_comes_from_one_complete_source(store: Store) -> None:
    from marketscout.priority.profile import gii_trend

    for year, score in ((2020, 50.0), (2021, 51.5), (2022, 49.0)):
        store.load({"gii": gii(year, {"DEU": score, "FRA": 40.0})}, prov(f"panel_{year}"))
    panel = pd.concat([gii(y, {"DEU": s, "FRA": 40.0})
                       for y, s in ((2020, 50.0), (2021, 51.5), (2022, 49.0))])
    store.load({"gii": panel}, prov("wipo_gii_panel"))
    store.load({"gii": gii(2024, {"DEU": 60.0})}, prov("gii_partial", partial=True))
    trend = gii_trend(store, "DEU")
    assert trend.rows["edition"].tolist() == [2020, 2021, 2022]
    assert trend.rows["score"].tolist() == [50.0, 51.5, 49.0]
    assert "Pub" in trend.source and "not strictly comparable" in trend.note
    assert gii_trend(store, "USA").rows.empty


def test_an_import_at_exactly_the_coverage_threshold_is_used_without_a_warning(
        store: Store) -> None:
    from marketscout.countries import candidates
    from marketscout.priority.impact import import_impact
    from marketscout.priority.options import Options

    everyone = candidates("LTU")
    store.load({"gii": gii(2022, dict.fromkeys(everyone, 50.0))}, prov("wipo_gii_panel"))
    n = len(everyone) // 4
    store.load({"gii": gii(2025, dict.fromkeys(everyone[:n], 60.0))}, prov("user_gii"))
    exactly = Options(min_coverage=n / len(everyone))  # the file covers exactly this share
    lines = import_impact(store, "gii", "user_gii", options=exactly)
    assert "now uses it (GII 2025)" in lines[1]
    assert len(lines) == 2  # no "covers less than the threshold" line
    # the option reaches the edition rule: at the default 50 % the newer file is passed over
    lines = import_impact(store, "gii", "user_gii")
    assert "keeps using GII 2022" in lines[1]
    below = Options(min_coverage=(n + 1) / len(everyone))
    lines = import_impact(store, "gii", "user_gii", options=below)
    assert "keeps using GII 2022" in lines[1]


def test_among_equal_editions_the_widest_coverage_wins() -> None:
    # same year, both complete, both publishers' files: the one covering more candidates
    best, notes = choose_edition([e("a_pub", 2022, 3), e("b_pub", 2022, 4)], 4, 0.5)
    assert best.source_id == "b_pub" and notes == []
    # then the source id decides, so the choice never depends on the store's row order
    best, _ = choose_edition([e("b_pub", 2022, 4), e("a_pub", 2022, 4)], 4, 0.5)
    assert best.source_id == "a_pub"


def test_a_source_is_partial_by_its_provenance_or_by_its_id(store: Store) -> None:
    from marketscout.criteria.base import is_partial

    store.load({"gii": gii(2022, {"DEU": 60.0})}, prov("wipo_gii"))
    store.load({"gii": gii(2023, {"DEU": 61.0})}, prov("gii_partial_2023"))  # flag not set
    store.load({"gii": gii(2024, {"DEU": 62.0})}, prov("press_gii", partial=True))
    assert is_partial(store, ["wipo_gii", "gii_partial_2023", "press_gii", "unknown"]) == {
        "wipo_gii": False, "gii_partial_2023": True, "press_gii": True, "unknown": False}


def test_a_market_missing_from_the_reported_marks_is_not_reported() -> None:
    from marketscout.criteria.base import Criterion

    values = pd.Series([1.0, 0.0, 0.0], index=pd.Index(["DEU", "FRA", "POL"], name="iso3"))
    c = Criterion(id="x", name="x", unit="u", direction=1, values=values,
                  reported=pd.Series({"DEU": True, "FRA": False}))
    assert c.reported_mask.to_dict() == {"DEU": True, "FRA": False, "POL": False}
    assert c.n_covered == 3 and c.coverage == 1.0  # filled zeros are values, not reports


def test_a_complete_table_covers_every_candidate_whatever_it_lists(store: Store) -> None:
    # BACI 2023 lists one partner but is complete (absent = 0): it covers 4/4 and, being
    # newer, wins over a 2022 extract listing three of the four candidates
    store.load({"exports": exports_rows(2023, {"DEU": 12.0})}, prov("baci_ltu", complete=True))
    store.load({"exports": exports_rows(2022, {"DEU": 1.0, "FRA": 2.0, "POL": 3.0})},
               prov("user_exp"))
    result = exports.compute(store, "LTU", CANDS)
    assert result.sources[0].source_id == "baci_ltu" and result.year == "2023"
    assert result.values.to_dict() == {"DEU": 12.0, "FRA": 0.0, "POL": 0.0, "USA": 0.0}


def test_the_year_option_includes_that_year(store: Store) -> None:
    # --year Y: data of Y itself are used (at or before Y)
    frame = pd.concat([exports_rows(2022, {"DEU": 1.0, "FRA": 1.0}),
                       exports_rows(2023, {"DEU": 5.0, "FRA": 6.0}),
                       exports_rows(2024, {"DEU": 9.0, "FRA": 9.0})])
    store.load({"exports": frame}, prov("user_exp"))
    assert exports.compute(store, "LTU", CANDS, year=2023).values.dropna().to_dict() == {
        "DEU": 5.0, "FRA": 6.0}
    store.load({"gii": pd.concat([gii(2022, dict.fromkeys(CANDS, 40.0)),
                                  gii(2023, dict.fromkeys(CANDS, 50.0)),
                                  gii(2024, dict.fromkeys(CANDS, 60.0))])}, prov("wipo_gii"))
    result = innovation.compute(store, "LTU", CANDS, year=2023)
    assert result.year == "2023" and result.values.to_dict() == dict.fromkeys(CANDS, 50.0)


def test_the_fdi_coverage_threshold_decides_between_editions(store: Store) -> None:
    frame = pd.concat([
        pd.DataFrame({"home": "LTU", "partner": CANDS, "year": 2022, "value": 1.0}),
        pd.DataFrame({"home": "LTU", "partner": ["DEU"], "year": 2023, "value": 5.0})])
    store.load({"fdi_inward": frame.assign(unit="EUR million", basis="immediate")},
               prov("eurostat_fdi"))
    assert fdi.compute(store, "LTU", CANDS).year == "2022"  # 2023 covers 1/4 < 50 %
    lower = fdi.compute(store, "LTU", CANDS, min_coverage=0.25)  # 1/4 passes
    assert lower.year == "2023" and lower.values.dropna().to_dict() == {"DEU": 5.0}
