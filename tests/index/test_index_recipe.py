"""The recipe: an immutable value with COINr defaults; TOML and dict errors name the key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from marketscout.errors import FrameworkError
from marketscout.index.recipe import Recipe, recipe_from_dict, recipe_from_toml


def test_defaults_are_coinr_defaults() -> None:
    r = Recipe()
    assert (r.impute, r.treat, r.normalise, r.aggregate, r.weighting) == (
        "none", "none", "minmax", "amean", "given")
    assert (r.winmax, r.skew, r.kurt) == (5, 2.0, 3.5)
    assert r.params_for_normalise() == {"range": (0.0, 100.0)}
    assert Recipe(normalise="zscore").params_for_normalise() == {"mean_sd": (0.0, 1.0)}


def test_immutable_and_replace_validates() -> None:
    r = Recipe()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.aggregate = "gmean"  # type: ignore[misc]
    assert dataclasses.replace(r, aggregate="gmean").aggregate == "gmean"
    with pytest.raises(FrameworkError, match="aggregate"):
        dataclasses.replace(r, aggregate="median")
    params = {"range": [1, 100]}
    r2 = Recipe(normalise_params=params)
    params["range"] = [0, 1]
    assert r2.normalise_params["range"] == [1, 100]  # a copy, not the caller's dict
    with pytest.raises(TypeError):
        r2.normalise_params["x"] = 1  # type: ignore[index]


def test_top_only_aggregators_fall_back_below_top() -> None:
    r = Recipe(aggregate="topsis")
    assert r.level_aggregator(2, 3) == "amean"
    assert r.level_aggregator(3, 3) == "topsis"


def test_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text('impute = "mean"\ntreat = "winsorise"\nwinmax = 3\n'
                    'aggregate = "genmean"\ndat_thresh = 0.5\n'
                    '[normalise_params]\nrange = [1, 100]\n[aggregate_params]\np = 0.5\n')
    r = recipe_from_toml(path)
    assert r.impute == "mean" and r.winmax == 3 and r.dat_thresh == 0.5
    assert r.normalise_params["range"] == [1, 100]
    assert r.aggregate_params["p"] == 0.5


@pytest.mark.parametrize(("data", "key"), [
    ({"normalise": "minimax"}, "normalise"),
    ({"colour": "blue"}, "colour"),
    ({"winmax": "five"}, "winmax"),
    ({"dat_thresh": 1.5}, "dat_thresh"),
    ({"impute": "mean_group"}, "impute_group"),
    ({"aggregate": "genmean"}, "aggregate_params"),
    ({"force_win": 1}, "force_win"),
])
def test_bad_values_name_the_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(FrameworkError) as info:
        recipe_from_dict(data, where="my.toml")
    assert f"key '{key}'" in (info.value.where or "")
    assert "my.toml" in (info.value.where or "")


def test_bad_toml(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("impute = mean\n")
    with pytest.raises(FrameworkError, match="not valid TOML"):
        recipe_from_toml(path)
