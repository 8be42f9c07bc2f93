"""The call TOML: values read as written, and every mistake named by file, table and key."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from marketscout.calls import call_from_dict, load_call
from marketscout.errors import InputError, UnknownCountryError


def test_example_call_reads_as_written(example: Path) -> None:
    call = load_call(example / "call.toml")
    assert call.name.startswith("Lithuania-Israel") and call.year == 2025
    lt, il = call.funders
    assert (lt.id, lt.countries, lt.budget) == ("LT", ("LTU",), 600000)
    assert dict(lt.rates) == {"sme": 0.7, "large": 0.5, "research": 1.0}
    assert (lt.max_per_partner, lt.max_per_project) == (200000, 250000)
    assert dict(il.rates) == {"sme": 0.5, "large": 0.3}
    assert [c.id for c in call.evaluation.criteria] == ["excellence", "impact", "implementation"]
    assert call.evaluation.conflict == "exclude" and call.evaluation.min_reviewers == 2
    assert (call.mixed.topup, call.mixed.share) == (200000, 0.5)
    assert call.funder_for("LTU", "university") is None
    assert call.funder_for("ISR", "large") is il


def test_defaults(call_dict: dict[str, Any]) -> None:
    call = call_from_dict(call_dict)
    assert call.mode == "virtual" and call.currency == "EUR"
    assert call.eligibility.min_countries == 2
    assert call.real.when_no_fit == "skip" and call.optimal.objective == "quality"
    assert call.funders[0].max_per_partner == math.inf
    # tie-breaks default to the criteria by weight, file order among equal weights
    assert call.evaluation.tie_order() == ("excellence", "impact")


def _error(data: dict[str, Any]) -> InputError:
    with pytest.raises(InputError) as err:
        call_from_dict(data, where="call.toml")
    return err.value


def test_unknown_funder_country(call_dict: dict[str, Any]) -> None:
    call_dict["funder"][1]["countries"] = ["Atlantis"]
    err = _error(call_dict)
    assert isinstance(err, UnknownCountryError)
    assert "Unknown country 'Atlantis'" in err.what
    assert err.where == "call.toml, [[funder]] #2 ('B'), key 'countries'"


def test_a_group_of_countries_is_not_a_funder_country(call_dict: dict[str, Any]) -> None:
    call_dict["funder"][0]["countries"] = ["EU27"]
    assert "group of countries" in _error(call_dict).what


@pytest.mark.parametrize(("edit", "key", "text"), [
    (lambda d: d["funder"][0].update(budget=-5), "[[funder]] #1 ('A'), key 'budget'",
     "non-negative amount"),
    (lambda d: d["funder"][0]["rates"].update(sme=1.5), "key 'rates.sme'", "(0, 1]"),
    (lambda d: d["funder"][0]["rates"].update(startup=0.5), "key 'rates.startup'",
     "Unknown organisation type"),
    (lambda d: d["funder"][0].update(budgett=5), "key 'budgett'", "Did you mean 'budget'"),
    (lambda d: d["funder"][0].update(budget="lots"), "key 'budget'", "wrong type"),
    (lambda d: d["funder"][0].pop("rates"), "key 'rates'", "has no 'rates'"),
    (lambda d: d["funder"][0].update(eligible=["sme", "phd"]), "key 'rates.phd'",
     "No funding rate"),
    (lambda d: d["funder"][1].update(id="A"), "key 'funder.id'", "repeat"),
    (lambda d: d["funder"][1].update(countries=["LTU"]), "key 'funder.countries'",
     "both fund SMEs in LTU"),
    (lambda d: d.update(funding={"mode": "lottery"}), "key 'funding.mode'", "Unknown funding"),
    (lambda d: d.update(funding={"mixed": {"share": 2}}), "[funding.mixed], key 'share'",
     "between 0 and 1"),
    (lambda d: d.update(funding={"optimal": {"min_return": {"DEU": 10}}}),
     "key 'funding.optimal.min_return.DEU'", "no funder covers"),
    (lambda d: d["evaluation"].update(scale=[5, 0]), "[evaluation], key 'scale'", "empty"),
    (lambda d: d["evaluation"].update(aggregate="mode"), "key 'aggregate'", "Unknown aggregate"),
    (lambda d: d["evaluation"].update(tie_break=["beauty"]), "key 'tie_break'",
     "Unknown criterion"),
    (lambda d: d["criterion"][0].update(weight=0), "[[criterion]] #1 ('excellence'), key "
     "'weight'", "not positive"),
    (lambda d: d["criterion"][0].update(threshold=7), "key 'criterion.threshold'",
     "outside the scale"),
    (lambda d: d.pop("name"), "key 'name'", "no name"),
    (lambda d: d.update(eligibility={"ineligible_partner": "maybe"}),
     "[eligibility], key 'ineligible_partner'", "Unknown rule"),
])
def test_bad_call_names_the_key(call_dict: dict[str, Any], edit: Callable[[dict], Any],
                                key: str, text: str) -> None:
    edit(call_dict)
    err = _error(call_dict)
    assert err.where is not None and err.where.startswith("call.toml")
    assert key in err.where, err.where
    assert text in err.what, err.what
    assert err.fix


def test_bad_toml_and_missing_file(write: Callable[[str, str], Path], tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid TOML"):
        load_call(write("call.toml", 'name = "x\n'))
    with pytest.raises(InputError, match="not found"):
        load_call(tmp_path / "absent.toml")
