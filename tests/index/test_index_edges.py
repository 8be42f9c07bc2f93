"""Edges of the index engine that mutation testing found unpinned: small AHP matrices, the
reciprocity tolerance, thresholds and the Box-Cox second step in the treatment, PROMETHEE's
indifference threshold q, per-input bootstrap intervals, and the place every error names.
Expected values are computed by hand in the comments."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from marketscout.errors import FrameworkError, InputError
from marketscout.index.aggregate import aggregate_rows, gmean_rows, hmean_rows
from marketscout.index.framework import framework_from_meta
from marketscout.index.mcdm import preference, promethee_ii
from marketscout.index.normalise import normalise_frame
from marketscout.index.recipe import Recipe
from marketscout.index.robustness import UncertaintySpec, run_sensitivity
from marketscout.index.sensitivity import saltelli_design, sobol_indices
from marketscout.index.treat import treat
from marketscout.index.weights import ahp_weights, pca_weights

# -- weights -------------------------------------------------------------------------------


def test_ahp_one_by_one_is_consistent() -> None:
    result = ahp_weights(np.array([[1.0]]))
    assert result.weights.tolist() == [1.0]
    assert (result.lambda_max, result.ci, result.cr) == (1.0, 0.0, 0.0)


def test_ahp_reciprocity_tolerance_is_a_millionth() -> None:
    # a_12 a_21 = 1 + 5e-6: beyond a relative tolerance of 1e-6 (numpy's default 1e-5 would
    # let it through)
    with pytest.raises(FrameworkError) as err:
        ahp_weights(np.array([[1.0, 3.0], [(1 + 5e-6) / 3, 1.0]]))
    assert err.value.where == "recipe, key 'weighting_params'"
    assert err.value.fix == ("Write the upper triangle on Saaty's 1-9 scale and its "
                             "reciprocals below.")
    # the rounding of 1/3 written to seven places (a_12 a_21 = 0.9999999) is accepted
    assert ahp_weights(np.array([[1.0, 3.0], [0.3333333, 1.0]])).weights == pytest.approx(
        [0.75, 0.25], abs=1e-7)


def test_pca_of_one_indicator_and_of_a_constant_one() -> None:
    assert pca_weights(np.array([[1.0], [2.0], [np.nan]])).tolist() == [1.0]
    with pytest.raises(FrameworkError) as err:
        pca_weights(np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]]))
    assert err.value.what == "PCA weights cannot use a constant indicator (zero variance)."
    assert err.value.where == "recipe, key 'weighting'"


# -- treatment -----------------------------------------------------------------------------

SKEWED = np.array([*map(float, range(1, 11)), 100.0])  # COINr treat_num: fails the check


def test_boxcox_second_step_is_applied_to_the_original_values() -> None:
    # winmax 0: nothing is winsorised, so Box-Cox (lambda 1/2, shifted to min 1) goes to x:
    # (sqrt(x - 1 + 1) - 1) / 0.5 = 2 (sqrt(x) - 1)
    t = treat(SKEWED, winmax=0, f2="boxcox")
    assert t.x == pytest.approx([2 * (math.sqrt(v) - 1) for v in SKEWED])
    assert t.points == ("boxcox",) * 11


def test_the_second_step_is_checked_against_the_given_thresholds() -> None:
    # skew threshold 0.01 and kurtosis threshold -5: log_CT of x still has |skew| > 0.01 and
    # kurtosis > -5, so it fails (with the defaults 2 and 3.5 it would pass)
    strict = treat(SKEWED, winmax=1, skew_thresh=0.01, kurt_thresh=-5.0)
    assert strict.status == "failed"
    assert treat(SKEWED, winmax=1).status in ("winsorised", "f2")


# -- PROMETHEE: the indifference threshold q ---------------------------------------------


def test_linear_preference_uses_q_per_criterion() -> None:
    # differences d: linear P = clip((d - q) / (p - q), 0, 1)
    d = np.array([0.5, 1.0, 2.0, 3.0, 5.0])
    assert preference(d, "linear", p=3.0, q=1.0).tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert preference(d, "level", p=3.0, q=1.0).tolist() == [0.0, 0.0, 0.5, 0.5, 1.0]
    # three alternatives on one criterion (values 0, 2, 5), p = 4, q = 1, weight 1:
    # pi(b,a) = P(2) = 1/3, pi(c,a) = P(5) = 1, pi(c,b) = P(3) = 2/3, others 0
    # phi(a) = (0 - 4/3) / 2, phi(b) = (1/3 - 2/3) / 2, phi(c) = (5/3 - 0) / 2
    x = np.array([[0.0], [2.0], [5.0]])
    flows = promethee_ii(x, [1.0], kind="linear", p=[4.0], q=[1.0])
    assert flows == pytest.approx([-2 / 3, -1 / 6, 5 / 6])
    # q = 0: P(2) = 1/2, P(5) = 1 (capped), P(3) = 3/4
    assert promethee_ii(x, [1.0], kind="linear", p=4.0, q=0.0) == pytest.approx(
        [-(1 / 2 + 1) / 2, (1 / 2 - 3 / 4) / 2, (1 + 3 / 4) / 2])


# -- sensitivity ---------------------------------------------------------------------------


def test_bootstrap_intervals_are_per_input_and_absent_without_bootstrap() -> None:
    n = 2**10
    x = saltelli_design(n, 3, np.random.default_rng(5))
    y = 5 * x[:, 0] + x[:, 1]  # the third input does nothing: Si = 0
    plain = sobol_indices(y, n, 3)
    assert list(plain.columns) == ["input", "Si", "STi", "runs_used"]
    boot = sobol_indices(y, n, 3, n_boot=100, seed=1)
    assert boot["Si_q95"].iloc[2] < 0.05 < boot["Si_q95"].iloc[0]
    assert boot["STi_q5"].iloc[0] > boot["STi_q95"].iloc[2]


def test_wrong_number_of_outputs_is_explained() -> None:
    with pytest.raises(InputError) as err:
        sobol_indices(np.zeros(9), 2, 3)
    assert err.value.what.startswith("expected 10 outputs for a Saltelli design with n=2, d=3")


# -- where each error points ----------------------------------------------------------------


def tiny() -> tuple[pd.DataFrame, object]:
    rows = [{"Level": 1, "iCode": f"x{i}", "iName": f"x{i}", "Direction": 1, "Weight": 1,
             "Parent": "IDX", "Type": "Indicator"} for i in range(2)]
    rows.append({"Level": 2, "iCode": "IDX", "iName": "Index", "Direction": 1, "Weight": None,
                 "Parent": None, "Type": "Aggregate"})
    data = pd.DataFrame({"uCode": ["A", "B", "C"], "x0": [1.0, 2.0, 3.0],
                         "x1": [3.0, 1.0, 2.0]})
    return data, framework_from_meta(pd.DataFrame(rows))


@pytest.mark.parametrize(("call", "where", "fix"), [
    (lambda: aggregate_rows(np.ones((2, 2)), np.ones(2), "genmean", {"p": 0},
                            where="aggregation of 'P1'"),
     "aggregation of 'P1'", "Use the geometric mean (its limit), aggregate = \"gmean\"."),
    (lambda: gmean_rows(np.array([[0.0, 1.0]]), np.ones(2)), "aggregation",
     "Normalise to a positive range first, e.g. minmax with range = [1, 100]."),
    (lambda: hmean_rows(np.array([[0.0, 1.0]]), np.ones(2)), "aggregation",
     "Normalise to a positive range first, e.g. range = [1, 100]."),
    (lambda: normalise_frame(pd.DataFrame({"x": [1.0, 2.0]}), np.ones(1), "dist2ref",
                             {"ref": "Z"}, ["A", "B"]),
     "recipe, key 'normalise_params.ref'",
     "Use a uCode present in iData (and not screened out)."),
    (lambda: preference(np.ones(2), "gaussian"), "recipe, key 'aggregate_params.s'",
     "Add s = ..."),
])
def test_errors_name_where_and_what_to_do(call: Callable[[], object], where: str,
                                          fix: str) -> None:
    with pytest.raises(FrameworkError) as err:
        call()
    assert (err.value.where, err.value.fix) == (where, fix)


def test_sensitivity_errors_name_the_option() -> None:
    data, framework = tiny()
    with pytest.raises(InputError) as err:
        run_sensitivity(data, framework, Recipe(), UncertaintySpec(), n=4, seed=1, n_boot=-1)
    assert err.value.where == "n_boot"
    with pytest.raises(InputError) as err:
        run_sensitivity(data, framework, Recipe(), UncertaintySpec(weight_noise=0), n=4, seed=1)
    assert err.value.where == "uncertainty spec"
    assert err.value.fix == "Set a weight noise > 0 or give two or more alternatives."
