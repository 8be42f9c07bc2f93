"""The list's rules on hand-made criteria: availability, coverage boundary, overrides, tiers
and method scenarios (docs/methodology.md), each against a hand computation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marketscout import priority
from marketscout.criteria.base import Criterion
from marketscout.errors import InputError
from marketscout.index.recipe import Recipe
from marketscout.index.spec import UncertaintySpec
from marketscout.priority.options import Override, options_from_toml, read_overrides
from marketscout.priority.selection import pool_ranks, selection_shares, tier

MARKETS = ["AUT", "BEL", "CAN", "DNK"]
PLAIN = Recipe(normalise="minmax", normalise_params={"range": (1.0, 100.0)})
NO_NOISE = UncertaintySpec(weight_noise=0.0)


def crit(cid: str, values: list[float], reported: list[bool] | None = None,
         markets: list[str] = MARKETS) -> Criterion:
    index = pd.Index(markets, name="iso3")
    return Criterion(id=cid, name=cid, unit="u", direction=1, year="2023",
                     values=pd.Series(values, index=index, dtype=float),
                     reported=None if reported is None else pd.Series(reported, index=index),
                     label=f"{cid} 2023")


def options(**kw: object) -> priority.Options:
    base = priority.Options(top=2, runs=50, seed=1, recipe=PLAIN, spec=NO_NOISE, scenarios=())
    return replace(base, **kw)  # type: ignore[arg-type]


def hand_case() -> list[Criterion]:
    # a: 10, 20, 30, 40 -> 1, 34, 67, 100; b: 1, 1, 4, 2 -> 1, 1, 100, 34
    # amean: AUT 1, BEL 17.5, CAN 83.5, DNK 67 -> CAN, DNK, BEL, AUT
    return [crit("a", [10, 20, 30, 40]), crit("b", [1, 1, 4, 2])]


def test_values_filled_by_rule_do_not_make_a_market_rankable() -> None:
    # DNK's only values are zeros filled by rule (not reported): it must not be ranked
    found = [crit("a", [10, 20, 30, np.nan]),
             crit("zeros", [0, 5, 0, 0], reported=[True, True, True, False]),
             crit("b", [1, 2, 3, 0], reported=[True, True, True, False])]
    plist = priority.build_priority_list("LTU", found, options(unit_coverage=0.5))
    assert set(plist.markets["iso3"]) == {"AUT", "BEL", "CAN"}
    (row,) = plist.not_ranked.to_dict("records")
    assert row["iso3"] == "DNK" and "reported by 0 of the 3 criteria" in row["reason"]
    assert "needs 2" in row["reason"]


def test_a_criterion_covering_exactly_the_threshold_is_used() -> None:
    found = [*hand_case(), crit("half", [1.0, 2.0, np.nan, np.nan])]
    used = [c.id for c in priority.build_priority_list(
        "LTU", found, options(min_coverage=0.5)).used]
    assert used == ["a", "b", "half"]
    used = [c.id for c in priority.build_priority_list(
        "LTU", found, options(min_coverage=0.51)).used]
    assert used == ["a", "b"]


def test_all_weights_zero_says_so() -> None:
    with pytest.raises(InputError, match="weight 0"):
        priority.build_priority_list("LTU", hand_case(), options(weights={"a": 0, "b": 0}))


def test_zero_weights_on_every_usable_criterion_say_so_even_beside_a_thin_one() -> None:
    # "thin" has a weight but covers too few candidates: the weights are the problem.
    found = [*hand_case(), crit("thin", [1.0, np.nan, np.nan, np.nan])]
    with pytest.raises(InputError, match=r"weight 0 \(a, b\)") as err:
        priority.build_priority_list("LTU", found, options(weights={"a": 0, "b": 0}))
    assert err.value.where == "--weights"


def test_excluding_a_market_gives_its_place_to_the_next_and_keeps_its_data_rank() -> None:
    o = options(overrides=(Override("CAN", "exclude", "sanctions"),))
    plist = priority.build_priority_list("LTU", hand_case(), o)
    m = plist.markets.set_index("iso3")
    assert plist.selected == ["DNK", "BEL"]
    assert m.loc["CAN", "rank"] == 1 and not m.loc["CAN", "selected"]  # what the data say
    assert m.loc["CAN", "override"] == "exclude" and m.loc["CAN", "override_reason"] == "sanctions"
    assert m.loc["BEL", "p_top"] == 1.0 and m.loc["BEL", "tier"] == "core"
    assert m["position"].dropna().astype(int).to_dict() == {"DNK": 1, "BEL": 2}
    assert any("sanctions" in w and "excluded" in w for w in plist.warnings)


def test_including_a_market_takes_one_place_and_the_list_keeps_its_length() -> None:
    o = options(overrides=(Override("AUT", "include", "strategic partner"),))
    plist = priority.build_priority_list("LTU", hand_case(), o)
    assert plist.selected == ["CAN", "AUT"]  # one data place left: CAN; AUT forced in
    m = plist.markets.set_index("iso3")
    assert m.loc["AUT", "p_top"] == 0.0  # the data alone would not pick it
    assert m.loc["DNK", "p_top"] == 0.0 and not m.loc["DNK", "selected"]


def test_including_a_market_the_data_cannot_rank_puts_it_last() -> None:
    found = [crit("a", [10, 20, 30, np.nan]), crit("b", [1, 1, 4, np.nan])]
    o = options(overrides=(Override("DNK", "include", "political priority"),))
    plist = priority.build_priority_list("LTU", found, o)
    assert plist.selected == ["CAN", "DNK"]
    row = plist.markets.set_index("iso3").loc["DNK"]
    assert pd.isna(row["rank"]) and row["position"] == 2 and row["override"] == "include"
    assert any("cannot rank it" in w for w in plist.warnings)


@pytest.mark.parametrize(("p", "expected"), [(0.8996, "core"), (0.8994, "likely"),
                                             (0.4996, "likely"), (0.0996, "watch"),
                                             (0.0994, "")])
def test_tiers_are_decided_on_the_shown_precision(p: float, expected: str) -> None:
    assert tier(p, (0.9, 0.5, 0.1)) == expected
    shown = f"{p:.1%}"  # what every output prints
    assert tier(float(shown.rstrip("%")) / 100, (0.9, 0.5, 0.1)) == expected


def test_pool_ranks_and_shares_by_hand() -> None:
    scores = np.array([[5.0, 4.0, 4.0, 1.0], [1.0, 2.0, 3.0, 4.0]])
    pool = np.array([True, True, False, True])
    # run 1: pool scores 5, 4, 1 -> ranks 1, 2, (outsider 4 ties 4 -> 2), 3
    # run 2: pool 1, 2, 4 -> 3, 2, (outsider 3 -> 2), 1
    np.testing.assert_array_equal(pool_ranks(scores, pool), [[1, 2, 2, 3], [3, 2, 2, 1]])
    np.testing.assert_array_equal(selection_shares(scores, pool, 2), [0.5, 1.0, 1.0, 0.5])



def test_pool_ranks_match_counting_by_hand_with_ties_nan_and_infinities() -> None:
    """Reference: for each run and market, 1 + the pool markets with a strictly higher score,
    counted in plain Python (NaN never higher; a NaN score gives NaN)."""
    rng = np.random.default_rng(5)
    scores = rng.integers(0, 6, size=(40, 9)).astype(float)  # many ties
    scores[3, 2] = np.nan
    scores[7, :] = np.nan  # a failed run
    scores[9, 1], scores[9, 4], scores[11, 0] = np.inf, -np.inf, -0.0
    pool = np.array([True, True, False, True, True, False, True, True, True])
    expected = np.full(scores.shape, np.nan)
    for r, row in enumerate(scores.tolist()):
        for u, x in enumerate(row):
            if x == x:
                expected[r, u] = 1 + sum(1 for v, p in zip(row, pool, strict=True)
                                         if p and v == v and v > x)
    np.testing.assert_array_equal(pool_ranks(scores, pool), expected)


def test_weight_noise_gives_consistent_tiers_and_probabilities() -> None:
    rng = np.random.default_rng(3)
    found = [crit(c, list(rng.random(4) * 100)) for c in "abc"]
    o = options(spec=UncertaintySpec(weight_noise=0.25), runs=400, seed=11)
    plist = priority.build_priority_list("LTU", found, o)
    again = priority.build_priority_list("LTU", found, o)
    pd.testing.assert_frame_equal(plist.markets, again.markets)  # a fixed seed: stable
    for _, r in plist.markets.iterrows():
        assert r["tier"] == tier(r["p_top"], o.tiers)
    assert plist.markets["p_top"].sum() == pytest.approx(2.0)


def test_the_geometric_mean_is_a_reported_scenario() -> None:
    # normalised already on 1..100 so min-max keeps them: X strong on a only, Y balanced
    a = [100.0, 55.0, 1.0, 30.0]
    b = [1.0, 50.0, 100.0, 20.0]
    found = [crit("a", a), crit("b", b)]
    plist = priority.build_priority_list("LTU", found, options(top=1, scenarios=("gmean",)))
    amean = (np.array(a) + np.array(b)) / 2  # 50.5, 52.5, 50.5, 25 -> BEL first
    gmean = np.sqrt(np.array(a) * np.array(b))  # 10, 52.4, 10, 24.5 -> BEL first
    assert plist.selected == [MARKETS[int(np.argmax(amean))]]
    m = plist.markets.set_index("iso3")
    expected = pd.Series(gmean, index=MARKETS).rank(ascending=False, method="min")
    assert m["rank_gmean"].to_dict() == expected.to_dict()
    assert plist.scenario_changes() == {"gmean": ([], [])}
    # AUT (100, 5), BEL (55, 45), CAN (20, 100), DNK (1, 1): amean 52.5, 50, 60, 1 -> CAN;
    # gmean 22.4, 49.7, 44.7, 1 -> BEL
    found = [crit("a", [100.0, 55.0, 20.0, 1.0]), crit("b", [5.0, 45.0, 100.0, 1.0])]
    plist = priority.build_priority_list("LTU", found, options(top=1, scenarios=("gmean",)))
    assert plist.selected == ["CAN"]
    assert plist.scenario_changes() == {"gmean": (["Belgium"], ["Canada"])}


def test_a_tie_at_the_cut_off_keeps_the_length_and_says_so() -> None:
    three = ["AUT", "BEL", "CAN"]
    # AUT (100, 1) and CAN (1, 100) tie at 50.5 above BEL (60, 40) = 50
    found = [crit("a", [100.0, 60.0, 1.0], markets=three),
             crit("b", [1.0, 40.0, 100.0], markets=three)]
    plist = priority.build_priority_list("LTU", found, options(top=1))
    assert plist.selected == ["AUT"]  # the tie is broken by ISO3 code, and the user is told
    assert any("tie" in w and "Austria" in w and "Canada" in w for w in plist.warnings)


def test_bounds_are_refused_naming_the_option() -> None:
    for kw, option in (({"runs": 0}, "--runs"), ({"runs": 10**8}, "--runs"),
                       ({"seed": -1}, "--seed"), ({"seed": 2**70}, "--seed"),
                       ({"year": 1800}, "--year"), ({"top": 0}, "--top"),
                       ({"min_coverage": 1.5}, "--min-coverage")):
        with pytest.raises(InputError) as info:
            priority.Options(**kw)  # type: ignore[arg-type]
        assert info.value.where == option


def test_a_market_both_included_and_excluded_is_refused() -> None:
    with pytest.raises(InputError, match="both included and excluded"):
        priority.Options(overrides=(Override("DEU", "include"), Override("DEU", "exclude")))


def test_overrides_from_the_command_line_and_a_file(tmp_path: Path) -> None:
    parsed = priority.parse_overrides('TWN="not in the GII"', 'RUS="sanctions",Belarus')
    assert parsed == (Override("TWN", "include", "not in the GII"),
                      Override("RUS", "exclude", "sanctions"), Override("BLR", "exclude", ""))
    path = tmp_path / "overrides.csv"
    path.write_text("market,action,reason\nTaiwan,include,strategic\nRUS,exclude,sanctions\n",
                    encoding="utf-8")
    assert read_overrides(path) == (Override("TWN", "include", "strategic"),
                                    Override("RUS", "exclude", "sanctions"))
    path.write_text("market,action\nTaiwan,maybe\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_overrides(path)
    assert "row 2" in (info.value.where or "")


def test_a_recipe_file_can_set_the_coverage_threshold(tmp_path: Path) -> None:
    path = tmp_path / "recipe.toml"
    path.write_text('normalise = "zscore"\n[selection]\nmin_coverage = 0.3\n', encoding="utf-8")
    o = options_from_toml(path)
    assert o.min_coverage == 0.3 and o.recipe.normalise == "zscore"
    path.write_text("[selection]\nmin_coverag = 0.3\n", encoding="utf-8")
    with pytest.raises(InputError, match="min_coverag"):
        options_from_toml(path)


@pytest.mark.parametrize("tiers", [(0.9, 0.5, 0.0), (1.01, 0.5, 0.1), (0.5, 0.9, 0.1),
                                   (0.9, 0.1, 0.5)])
def test_tier_thresholds_must_fall_within_zero_and_one(tiers: tuple[float, float, float]
                                                       ) -> None:
    # methodology: core >= likely >= watch > 0 and core <= 1; a watch tier of 0 would tier
    # every market, even one that never makes the list
    with pytest.raises(InputError) as info:
        priority.Options(tiers=tiers)
    assert info.value.where == "tiers"
    assert priority.Options(tiers=(1.0, 1.0, 1.0)).tiers == (1.0, 1.0, 1.0)  # equal: allowed


def test_failed_runs_do_not_count_in_the_share_of_runs() -> None:
    # run 2 failed (NaN scores): P(on the list) is over the one successful run, not two
    scores = np.array([[3.0, 2.0, 1.0], [np.nan, np.nan, np.nan]])
    shares = selection_shares(scores, np.array([True, True, True]), 1)
    np.testing.assert_array_equal(shares, [1.0, 0.0, 0.0])
    assert np.isnan(pool_ranks(scores, np.array([True, True, True]))[1]).all()


def test_a_market_reported_on_exactly_the_unit_coverage_share_is_ranked() -> None:
    # DNK is reported by 1 of the 2 criteria: 50 % exactly, enough for unit_coverage 0.5
    found = [crit("a", [10, 20, 30, 40]), crit("b", [1, 1, 4, np.nan])]
    plist = priority.build_priority_list("LTU", found, options(unit_coverage=0.5))
    assert set(plist.markets["iso3"]) == set(MARKETS) and plist.not_ranked.empty
    plist = priority.build_priority_list("LTU", found, options(unit_coverage=0.51))
    assert plist.not_ranked["iso3"].tolist() == ["DNK"]


def test_an_included_market_does_not_compete_for_the_datas_places() -> None:
    # CAN (the best) is forced in: the one place left goes to DNK, the best of the others,
    # in every run, so DNK's P(on the list) is 1 and its tier core
    o = options(overrides=(Override("CAN", "include", "partner"),))
    plist = priority.build_priority_list("LTU", hand_case(), o)
    assert plist.selected == ["CAN", "DNK"]
    m = plist.markets.set_index("iso3")
    assert m.loc["DNK", "p_top"] == 1.0 and m.loc["DNK", "tier"] == "core"
    assert m.loc["BEL", "p_top"] == 0.0


def test_a_tie_at_the_cut_off_is_broken_by_iso3_code_not_by_name() -> None:
    three = ["BEL", "DEU", "FRA"]
    # DEU (100, 1) and FRA (1, 100) tie at 50.5 above BEL (60, 40) = 50; by ISO3 DEU comes
    # first, by name France would
    found = [crit("a", [60.0, 100.0, 1.0], markets=three),
             crit("b", [40.0, 1.0, 100.0], markets=three)]
    plist = priority.build_priority_list("LTU", found, options(top=1))
    assert plist.selected == ["DEU"]
    assert plist.markets["iso3"].tolist() == ["DEU", "FRA", "BEL"]
