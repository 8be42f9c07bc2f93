"""The vectorised runs of the uncertainty analysis agree with slow rebuilds for the
generalised mean too (p = 2 and p = -1, which refuses zeros), and the recipe accepts winmax 0
(no winsorising) but not a negative one. Found unpinned by mutation testing."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_uncertainty_sampling import POSITIVE, world

from marketscout.errors import FrameworkError, InputError
from marketscout.index.build import build_index
from marketscout.index.recipe import Recipe
from marketscout.index.robustness import UncertaintySpec, run_uncertainty


@pytest.mark.parametrize("p", [2.0, -1.0])
def test_vectorised_genmean_equals_rebuilds(p: float) -> None:
    data, framework = world()
    recipe = dataclasses.replace(POSITIVE, aggregate="genmean", aggregate_params={"p": p})
    result = run_uncertainty(data, framework, recipe, UncertaintySpec(weight_noise=0.25),
                             runs=12, seed=2)
    assert not result.failed.any()
    for k in range(0, 12, 3):
        fw, rc = result.replication(k)
        built = build_index(data, fw, rc)
        np.testing.assert_allclose(built.index.to_numpy(), result.scores[k], rtol=1e-9)


def test_genmean_with_negative_p_fails_on_zeros_in_runs_too() -> None:
    data, framework = world()
    # minmax 0-100 gives a 0 to each indicator's worst unit: p = -1 cannot use it
    recipe = Recipe(aggregate="genmean", aggregate_params={"p": -1.0})
    with pytest.raises(FrameworkError):
        build_index(data, framework, recipe)
    spec = UncertaintySpec(weight_noise=0.25, aggregate_alternatives=("amean", "genmean"))
    result = run_uncertainty(data, framework, Recipe(aggregate_params={"p": -1.0}), spec,
                             runs=40, seed=3)
    genmean = (result.inputs["aggregate"] == "genmean").to_numpy()
    assert genmean.any() and result.failed[genmean].all() and not result.failed[~genmean].any()


def test_winmax_zero_is_allowed_and_negative_is_not() -> None:
    assert Recipe(treat="winsorise", winmax=0).winmax == 0
    with pytest.raises(InputError, match="winmax"):
        Recipe(treat="winsorise", winmax=-1)
