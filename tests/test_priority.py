"""The priority list on hand-made criteria: scores, tiers, contributions, comparison."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from marketscout import priority
from marketscout.criteria import Criterion
from marketscout.errors import InputError
from marketscout.index.recipe import Recipe
from marketscout.index.robustness import UncertaintySpec
from marketscout.provenance import Provenance

MARKETS = ["AUT", "BEL", "CAN", "DNK"]
PLAIN = Recipe(normalise="minmax", normalise_params={"range": (1.0, 100.0)})
NO_NOISE = UncertaintySpec(weight_noise=0.0)


def crit(cid: str, values: list[float], markets: list[str] = MARKETS) -> Criterion:
    source = Provenance(source_id=f"src_{cid}", title=cid, publisher="pub", url="u",
                        licence="l", edition="2023")
    return Criterion(id=cid, name=cid, unit="u", direction=1, year="2023", sources=(source,),
                     values=pd.Series(values, index=pd.Index(markets, name="iso3"), dtype=float))


def options(**kw: object) -> priority.Options:
    base = priority.Options(top=2, runs=50, seed=1, recipe=PLAIN, spec=NO_NOISE)
    return replace(base, **kw)  # type: ignore[arg-type]


def hand_case() -> list[Criterion]:
    # a: 10, 20, 30, 40 -> min-max onto 1..100: 1, 34, 67, 100
    # b: 1, 1, 4, 2     -> 1, 1, 100, 34
    return [crit("a", [10, 20, 30, 40]), crit("b", [1, 1, 4, 2])]


def test_scores_ranks_and_contributions_match_hand_computation() -> None:
    plist = priority.build_priority_list("LTU", hand_case(), options())
    m = plist.markets.set_index("iso3")
    assert m["score"].to_dict() == pytest.approx({"AUT": 1.0, "BEL": 17.5, "CAN": 83.5,
                                                  "DNK": 67.0})
    assert m["rank"].to_dict() == {"CAN": 1, "DNK": 2, "BEL": 3, "AUT": 4}
    assert plist.selected == ["CAN", "DNK"]
    assert m.loc["CAN", "a_contribution"] == pytest.approx(33.5)  # 67 / 2
    assert m.loc["CAN", "b_contribution"] == pytest.approx(50.0)  # 100 / 2
    assert m.loc["DNK", "a_value"] == 40.0 and m.loc["DNK", "b_norm"] == pytest.approx(34.0)


def test_without_noise_every_run_agrees_so_tiers_are_certain() -> None:
    m = priority.build_priority_list("LTU", hand_case(), options()).markets.set_index("iso3")
    assert m["p_top"].to_dict() == {"CAN": 1.0, "DNK": 1.0, "BEL": 0.0, "AUT": 0.0}
    assert m["tier"].to_dict() == {"CAN": "core", "DNK": "core", "BEL": "", "AUT": ""}
    assert (m["rank_q05"] == m["rank"]).all() and (m["rank_q95"] == m["rank"]).all()


def test_weights_change_the_score_as_a_weighted_mean() -> None:
    plist = priority.build_priority_list("LTU", hand_case(), options(weights={"a": 3.0}))
    bel = plist.markets.set_index("iso3").loc["BEL"]
    assert bel["score"] == pytest.approx((3 * 34 + 1 * 1) / 4)


def test_contributions_add_up_to_the_score_with_missing_values() -> None:
    found = [*hand_case(), crit("c", [5, np.nan, 1, 3])]
    plist = priority.build_priority_list("LTU", found, options())
    parts = priority.contributions(plist).sum(axis=1).to_numpy()
    np.testing.assert_allclose(parts, plist.markets["score"].to_numpy())


def test_noise_is_repeatable_with_a_seed_and_widens_intervals() -> None:
    rng = np.random.default_rng(0)
    found = [crit(c, list(rng.random(4))) for c in "abc"]
    noisy = options(spec=UncertaintySpec(weight_noise=0.25), runs=200, seed=7)
    one = priority.build_priority_list("LTU", found, noisy).markets
    two = priority.build_priority_list("LTU", found, noisy).markets
    pd.testing.assert_frame_equal(one, two)
    assert ((one["rank_q05"] <= one["rank"]) & (one["rank"] <= one["rank_q95"])).all()
    assert one["p_top"].sum() == pytest.approx(2.0)  # two places in the top 2, every run


def test_low_coverage_and_zero_weight_criteria_are_left_out_visibly() -> None:
    found = [*hand_case(), crit("thin", [1.0, np.nan, np.nan, np.nan]),
             crit("off", [1, 2, 3, 4])]
    plist = priority.build_priority_list("LTU", found, options(weights={"off": 0.0}))
    assert [c.id for c in plist.used] == ["a", "b"]
    reasons = dict((c.id, why) for c, why in plist.left_out)
    assert "1/4 candidates (25%)" in reasons["thin"] and reasons["off"] == "weight set to 0"
    assert any("Left out thin" in w for w in plist.warnings)


def test_markets_with_too_little_data_are_not_ranked_and_counted() -> None:
    found = [crit("a", [1, 2, 3, np.nan]), crit("b", [1, 2, np.nan, np.nan]),
             crit("c", [1, 2, 3, 4])]
    plist = priority.build_priority_list("LTU", found, options(min_coverage=0.25))
    assert set(plist.markets["iso3"]) == {"AUT", "BEL", "CAN"}  # DNK has 1 of 3 criteria
    assert any("1 candidate markets" in w for w in plist.warnings)


def test_no_usable_criterion_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="No criterion has enough data"):
        priority.build_priority_list("LTU", [crit("a", [np.nan] * 4)], options())


@pytest.mark.parametrize(("p", "tier"), [(1.0, "core"), (0.9, "core"), (0.89, "likely"),
                                         (0.5, "likely"), (0.3, "watch"), (0.1, "watch"),
                                         (0.05, "")])
def test_tier_thresholds(p: float, tier: str) -> None:
    assert priority.tier(p, (0.9, 0.5, 0.1)) == tier


def test_compare_names_entries_exits_and_their_reasons_in_units() -> None:
    plist = priority.build_priority_list("LTU", hand_case(), options())
    result = priority.compare(plist, ["Canada", "Belgium"], name="official")
    assert result["overlap"] == ["CAN"]
    (entry,) = result["entries"]
    (exit_,) = result["exits"]
    assert entry["iso3"] == "DNK" and exit_["iso3"] == "BEL" and exit_["rank"] == 3
    # list = CAN, DNK. Normalised medians: a (67+100)/2 = 83.5, b (100+34)/2 = 67.
    # DNK: a 100 (+16.5), b 34 (-33): only a speaks for it; raw a median (30+40)/2 = 35.
    assert entry["drivers"] == ["rank 2, P(on the list) 100.0%",
                                "a 40.0 u, above the list's median of 35.0 u"]
    # BEL: a 34 (49.5 below), b 1 (66 below): b first; raw b median (4+2)/2 = 3.
    assert exit_["drivers"] == ["rank 3, P(on the list) 0.0%",
                                "b 1.0 u, below the list's median of 3.0 u",
                                "a 20.0 u, below the list's median of 35.0 u"]
    assert result["warnings"] == []


def test_compare_warns_when_the_lists_differ_in_length() -> None:
    plist = priority.build_priority_list("LTU", hand_case(), options())
    result = priority.compare(plist, ["Canada"], name="official")
    assert "2 markets" in result["warnings"][0] and "official has 1" in result["warnings"][0]


@pytest.mark.parametrize(
    ("text", "message"),
    [("innovation", "Bad weight"), ("nope=1", "Bad weight"), ("horizon=x", "not a number"),
     ("horizon=-1", "negative"), ("horizon=inf", "finite")],
)
def test_bad_weights_are_explained(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        priority.parse_weights(text)


def test_weights_parse() -> None:
    assert priority.parse_weights("innovation=1, horizon=2.5") == {"innovation": 1.0,
                                                                  "horizon": 2.5}
    assert priority.parse_weights(None) == {}


def test_top_must_be_positive() -> None:
    with pytest.raises(InputError, match="--top"):
        priority.build_priority_list("LTU", hand_case(), options(top=0))


def test_default_recipe_is_documented_coinr_treatment() -> None:
    r = priority.Options().recipe
    assert (r.treat, r.winmax, r.skew, r.kurt) == ("winsorise", 5, 2.0, 3.5)
    assert tuple(r.params_for_normalise()["range"]) == (1.0, 100.0)
    assert not math.isnan(priority.Options().min_coverage)


def test_value_text_rounds_from_100_on_and_names_the_unit() -> None:
    from marketscout.priority.comparison import value_text

    c = crit("a", [1, 2, 3, 4])
    assert value_text(c, 100.0) == "100 u"  # from 100 on: whole numbers with separators
    assert value_text(c, 1234.4) == "1,234 u"
    assert value_text(c, 99.94) == "99.9 u"  # below 100: one decimal
    assert value_text(c, -250.0) == "-250 u"
    assert value_text(c, float("nan")) == "no data"
    score = replace(c, unit="score 0-100")
    assert value_text(score, 54.46) == "54.5 (score 0-100)"


def test_compare_gives_at_most_two_reasons_and_none_without_a_gap() -> None:
    # a, b: 10, 20, 30, 40 -> 1, 34, 67, 100; c: 10, 20, 40, 40 -> 1, 34, 100, 100
    # scores AUT 1, BEL 34, CAN 78, DNK 100: the list is DNK, CAN
    found = [crit("a", [10, 20, 30, 40]), crit("b", [10, 20, 30, 40]),
             crit("c", [10, 20, 40, 40])]
    plist = priority.build_priority_list("LTU", found, options())
    assert plist.selected == ["DNK", "CAN"]
    result = priority.compare(plist, ["Canada", "Belgium", "Lithuania"], name="official")
    # BEL below the list's medians (83.5, 83.5, 100) by 49.5, 49.5, 66: the two largest only
    (bel, ltu) = result["exits"]  # ranked exits first, the unranked (home) last
    assert bel["drivers"] == ["rank 3, P(on the list) 0.0%",
                              "c 20.0 u, below the list's median of 40.0 u",
                              "a 20.0 u, below the list's median of 35.0 u"]
    assert ltu["iso3"] == "LTU" and ltu["rank"] is None
    assert ltu["drivers"] == ["not a candidate market"]
    # DNK stands above the list on a and b (+16.5) and level with it on c (gap 0: no reason)
    two = priority.build_priority_list("LTU", [found[0], found[2]], options())
    (entry,) = priority.compare(two, ["Canada", "Belgium"])["entries"]
    assert entry["drivers"] == ["rank 1, P(on the list) 100.0%",
                                "a 40.0 u, above the list's median of 35.0 u"]
