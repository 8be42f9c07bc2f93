"""Uncertainty and sensitivity analysis: the vectorised runs equal slow rebuilds, and the
Saltelli/Jansen estimators agree with the Ishigami function's analytic indices and with SALib."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from marketscout.errors import InputError
from marketscout.index.build import build_index
from marketscout.index.framework import Framework, framework_from_meta
from marketscout.index.recipe import Recipe
from marketscout.index.robustness import (
    UncertaintyResult,
    UncertaintySpec,
    prob_top,
    rank_rows,
    run_sensitivity,
    run_uncertainty,
)
from marketscout.index.sensitivity import saltelli_design, sobol_indices

POSITIVE = Recipe(normalise="minmax", normalise_params={"range": (1.0, 100.0)})
EVERYTHING = UncertaintySpec(
    weight_noise=0.25,
    normalise_alternatives=("minmax", "zscore", "rank"),
    aggregate_alternatives=("amean", "gmean", "hmean", "copeland"),
    impute_alternatives=("none", "mean"),
)


def world(units: int = 14, indicators: int = 9, pillars: int = 3,
          seed: int = 7) -> tuple[pd.DataFrame, Framework]:
    """A seeded three-level index (indicators -> pillars -> index) with a few missing values."""
    rng = np.random.default_rng(seed)
    parent = np.arange(indicators) % pillars
    rows = [{"Level": 1, "iCode": f"x{i}", "iName": f"x{i}", "Direction": int(rng.choice([1, -1])),
             "Weight": float(rng.integers(1, 4)), "Parent": f"P{parent[i]}", "Type": "Indicator"}
            for i in range(indicators)]
    rows += [{"Level": 2, "iCode": f"P{p}", "iName": f"P{p}", "Direction": 1,
              "Weight": float(p + 1), "Parent": "IDX", "Type": "Aggregate"} for p in range(pillars)]
    rows.append({"Level": 3, "iCode": "IDX", "iName": "Index", "Direction": 1, "Weight": None,
                 "Parent": None, "Type": "Aggregate"})
    values = rng.lognormal(sigma=1.0, size=(units, indicators))
    values[rng.random(values.shape) < 0.08] = np.nan
    data = pd.DataFrame(values, columns=[f"x{i}" for i in range(indicators)])
    data.insert(0, "uCode", [f"U{u:02d}" for u in range(units)])
    return data, framework_from_meta(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def small() -> tuple[pd.DataFrame, Framework]:
    return world()


def slow_ranks(result: UncertaintyResult, data: pd.DataFrame, k: int) -> np.ndarray | None:
    """Run k rebuilt with build_index from its sampled weights and methods (None: it fails)."""
    framework, recipe = result.replication(k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            built = build_index(data, framework, recipe)
        except InputError:
            return None
    np.testing.assert_allclose(built.index.to_numpy(), result.scores[k], rtol=1e-9, atol=1e-9)
    return built.ranks.to_numpy()


# -- uncertainty analysis ------------------------------------------------------------------


def test_nominal_equals_build_index(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    result = run_uncertainty(data, framework, POSITIVE, EVERYTHING, runs=20, seed=1)
    built = build_index(data, framework, POSITIVE)
    assert result.units == tuple(built.index.index)
    assert np.array_equal(result.nominal_score, built.index.to_numpy())
    assert np.array_equal(result.nominal_rank, built.ranks.to_numpy())
    nominal = result.summary().set_index("uCode")["nominal_rank"]
    table = built.results.set_index("uCode")["Rank"]
    assert nominal.sort_index().equals(table.sort_index())


def test_seed_repeats_runs_and_other_seeds_differ(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    first = run_uncertainty(data, framework, POSITIVE, EVERYTHING, runs=40, seed=3)
    again = run_uncertainty(data, framework, POSITIVE, EVERYTHING, runs=40, seed=3)
    other = run_uncertainty(data, framework, POSITIVE, EVERYTHING, runs=40, seed=4)
    assert np.array_equal(first.ranks, again.ranks, equal_nan=True)
    assert first.inputs.equals(again.inputs)
    assert not np.array_equal(first.ranks, other.ranks, equal_nan=True)


def test_no_noise_and_single_alternatives_reproduce_nominal(
        small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    spec = UncertaintySpec(weight_noise=0.0)
    result = run_uncertainty(data, framework, POSITIVE, spec, runs=25, seed=5)
    assert not result.failed.any()
    assert (result.ranks == result.nominal_rank[None, :]).all()
    np.testing.assert_allclose(result.scores, np.tile(result.nominal_score, (25, 1)), rtol=1e-12)
    assert (result.summary()["mean_abs_shift"] == 0).all()


@pytest.mark.parametrize("recipe", [
    POSITIVE,
    dataclasses.replace(POSITIVE, treat="winsorise", dat_thresh=0.6),
    dataclasses.replace(POSITIVE, weighting="equal", aggregate="topsis", impute="mean"),
    dataclasses.replace(POSITIVE, weighting="pca", impute="median"),
], ids=["given", "winsorise+dat_thresh", "equal+topsis", "pca"])
def test_vectorised_runs_equal_slow_rebuilds(small: tuple[pd.DataFrame, Framework],
                                             recipe: Recipe) -> None:
    data, framework = small
    spec = EVERYTHING
    if recipe.treat == "winsorise":
        spec = dataclasses.replace(EVERYTHING, winmax_alternatives=(1, 5))
    if recipe.aggregate == "topsis":
        spec = dataclasses.replace(spec, aggregate_alternatives=("topsis", "promethee", "amean"),
                                   impute_alternatives=())
    result = run_uncertainty(data, framework, recipe, spec, runs=60, seed=11)
    checked = {"ok": 0, "failed": 0}
    for k in range(0, 60, 5):
        slow = slow_ranks(result, data, k)
        if slow is None:
            assert result.failed[k] and np.isnan(result.ranks[k]).all()
            checked["failed"] += 1
        else:
            assert not result.failed[k]
            assert np.array_equal(slow, result.ranks[k], equal_nan=True)
            checked["ok"] += 1
    assert checked["ok"] >= 5


def test_failed_runs_are_na_like_coinr(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    spec = UncertaintySpec(normalise_alternatives=("zscore",), aggregate_alternatives=("gmean",))
    result = run_uncertainty(data, framework, POSITIVE, spec, runs=10, seed=1)
    assert result.failed.all() and np.isnan(result.ranks).all()
    assert result.summary()["runs"].eq(0).all()
    assert prob_top(result, 3).isna().all()


def test_ranks_are_descending_with_ties_min() -> None:
    scores = np.array([[3.0, 1.0, 3.0, np.nan, 2.0], [0.5, 0.5, 0.5, 0.1, np.nan]])
    expected = np.vstack([pd.Series(row).rank(ascending=False, method="min").to_numpy()
                          for row in scores])
    assert np.array_equal(rank_rows(scores), expected, equal_nan=True)
    assert rank_rows(scores)[0].tolist()[:3] == [1.0, 4.0, 1.0]


def test_identical_units_share_the_min_rank(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    twin = data.iloc[[0]].assign(uCode="TWIN")
    result = run_uncertainty(pd.concat([data, twin], ignore_index=True), framework, POSITIVE,
                             UncertaintySpec(), runs=30, seed=2)
    first, second = result.units.index("U00"), result.units.index("TWIN")
    assert np.array_equal(result.ranks[:, first], result.ranks[:, second])


def test_prob_top_and_summary(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    result = run_uncertainty(data, framework, POSITIVE, UncertaintySpec(), runs=200, seed=9)
    for n in (1, 3, 5):
        assert prob_top(result, n).sum() == pytest.approx(n)  # no ties: n units per run
    assert (prob_top(result, len(result.units)) == 1).all()
    table = result.summary()
    assert list(table.columns) == ["uCode", "nominal_rank", "mean_rank", "median_rank",
                                   "q05_rank", "q95_rank", "mean_abs_shift", "runs"]
    column = result.ranks[:, result.units.index(table["uCode"][0])]
    assert table["q95_rank"][0] == np.quantile(column, 0.95)  # numpy 'linear' = R type 7
    assert table["median_rank"][0] == np.median(column)
    assert table["nominal_rank"].is_monotonic_increasing


def test_shift_is_mean_absolute_rank_change(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    result = run_uncertainty(data, framework, POSITIVE, UncertaintySpec(), runs=10, seed=9)
    expected = np.abs(result.ranks - result.nominal_rank).mean(axis=1)
    np.testing.assert_allclose(result.shift(), expected)


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "message"), [
    (lambda: UncertaintySpec(weight_noise=-0.1), "weight noise must be in"),
    (lambda: UncertaintySpec(weight_noise=1.5), "weight noise must be in"),
    (lambda: UncertaintySpec(normalise_alternatives=("minmax", "softmax")),
     "Unknown normalise alternative.*'softmax'"),
    (lambda: UncertaintySpec(aggregate_alternatives=("median",)),
     "Unknown aggregate alternative"),
    (lambda: UncertaintySpec(impute_alternatives=("knn",)), "Unknown impute alternative"),
    (lambda: UncertaintySpec(winmax_alternatives=(-1,)), "winmax alternatives must be"),
])
def test_bad_spec_raises(make: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(("runs", "spec", "message"), [
    (0, UncertaintySpec(), "runs must be a whole number >= 1"),
    (-5, UncertaintySpec(), "runs must be a whole number >= 1"),
    (10, UncertaintySpec(noise_levels=(3,)), r"Noise level\(s\) \[3\]"),
    (10, UncertaintySpec(winmax_alternatives=(3, 5)), "winmax alternatives have no effect"),
    (10, UncertaintySpec(aggregate_alternatives=("amean", "genmean")), "does not fit the recipe"),
])
def test_bad_run_raises(small: tuple[pd.DataFrame, Framework], runs: int,
                        spec: UncertaintySpec, message: str) -> None:
    data, framework = small
    with pytest.raises(InputError, match=message):
        run_uncertainty(data, framework, POSITIVE, spec, runs=runs, seed=1)


def test_bad_sensitivity_and_prob_top_raise(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    with pytest.raises(InputError, match="Nothing varies"):
        run_sensitivity(data, framework, POSITIVE, UncertaintySpec(weight_noise=0), n=8, seed=1)
    with pytest.raises(InputError, match="n must be a whole number >= 2"):
        run_sensitivity(data, framework, POSITIVE, UncertaintySpec(), n=1, seed=1)
    result = run_uncertainty(data, framework, POSITIVE, UncertaintySpec(), runs=5, seed=1)
    with pytest.raises(InputError, match="n must be at least 1"):
        prob_top(result, 0)


# -- sensitivity analysis ------------------------------------------------------------------

ISHIGAMI_S = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_saltelli_design_layout() -> None:
    n, d = 5, 3
    x = saltelli_design(n, d, np.random.default_rng(0))
    a, b = x[:n], x[n:2 * n]
    assert x.shape == (n * (d + 2), d)
    for i in range(d):
        block = x[(2 + i) * n:(3 + i) * n]
        assert np.array_equal(np.delete(block, i, axis=1), np.delete(a, i, axis=1))
        assert np.array_equal(block[:, i], b[:, i])


def test_estimators_match_ishigami_analytic_values() -> None:
    n = 2**14
    x = saltelli_design(n, 3, np.random.default_rng(2024))
    table = sobol_indices(ishigami(x), n, 3, n_boot=200, seed=1)
    np.testing.assert_allclose(table["Si"], ISHIGAMI_S, atol=0.04)
    np.testing.assert_allclose(table["STi"], ISHIGAMI_ST, atol=0.03)
    assert (table["Si_q5"] <= table["Si"]).all() and (table["Si"] <= table["Si_q95"]).all()
    assert (table["STi_q5"] < ISHIGAMI_ST + 0.03).all()
    assert (table["runs_used"] == n).all()


def test_estimators_match_salib_on_the_same_samples() -> None:
    from SALib.analyze import sobol as salib_analyze
    from SALib.sample import sobol as salib_sample

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0.0, 1.0]] * 3}
    n, d = 2**12, 3
    sample = salib_sample.sample(problem, n, calc_second_order=False, seed=1)
    y = ishigami(sample)
    salib = salib_analyze.analyze(problem, y, calc_second_order=False, seed=1)
    step = d + 2  # SALib interleaves rows A, AB_1..AB_d, B; ours stacks [A; B; AB_1; ...]
    ours = np.concatenate([y[0::step], y[step - 1::step], *[y[j + 1::step] for j in range(d)]])
    mine = sobol_indices(ours, n, d)
    np.testing.assert_allclose(mine["Si"], ISHIGAMI_S, atol=0.02)
    np.testing.assert_allclose(mine["STi"], ISHIGAMI_ST, atol=0.02)
    np.testing.assert_allclose(mine["Si"], salib["S1"], atol=0.01)
    np.testing.assert_allclose(mine["STi"], salib["ST"], atol=0.01)
    # Same estimators: SALib centres and scales y and divides by the n (not n-1) variance.
    centred = (ours - y.mean()) / y.std()
    exact = sobol_indices(centred, n, d)
    factor = 2 * n / (2 * n - 1)
    np.testing.assert_allclose(exact["Si"] * factor, salib["S1"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(exact["STi"] * factor, salib["ST"], rtol=1e-9)


def test_run_sensitivity_on_an_index(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    spec = UncertaintySpec(weight_noise=0.25, normalise_alternatives=("minmax", "rank"),
                           aggregate_alternatives=("amean", "gmean"))
    table = run_sensitivity(data, framework, POSITIVE, spec, n=64, seed=3, n_boot=50)
    again = run_sensitivity(data, framework, POSITIVE, spec, n=64, seed=3, n_boot=50)
    assert table.equals(again)
    assert table["input"].tolist() == ["weights", "normalise", "aggregate"]
    assert {"Si", "STi", "Si_q5", "Si_q95", "STi_q5", "STi_q95"} <= set(table.columns)
    assert (table["STi"] >= 0).all() and table["STi"].max() > 0


# -- command line --------------------------------------------------------------------------


def test_cli_writes_rank_statistics(small: tuple[pd.DataFrame, Framework],
                                    tmp_path: Path) -> None:
    from marketscout import cli

    data, framework = small
    data.to_csv(tmp_path / "idata.csv", index=False)
    framework.meta.to_csv(tmp_path / "imeta.csv", index=False)
    (tmp_path / "recipe.toml").write_text('[normalise_params]\nrange = [1, 100]\n')
    cli.load_all()
    args = ["index", "uncertainty", "--data", str(tmp_path / "idata.csv"),
            "--meta", str(tmp_path / "imeta.csv"), "--recipe", str(tmp_path / "recipe.toml"),
            "--runs", "50", "--seed", "2", "--aggregate-alternatives", "amean,gmean",
            "--top", "3", "--sensitivity", "--sensitivity-output", str(tmp_path / "si.csv"),
            "--output", str(tmp_path / "rankstats.csv")]
    outcome = CliRunner().invoke(cli.app, args)
    assert outcome.exit_code == 0, outcome.output
    table = pd.read_csv(tmp_path / "rankstats.csv")
    assert list(table.columns)[:6] == ["uCode", "nominal_rank", "mean_rank", "median_rank",
                                      "q05_rank", "q95_rank"]
    assert "P(top 3)" in table.columns and len(table) == len(data)
    assert pd.read_csv(tmp_path / "si.csv")["input"].tolist() == ["weights", "aggregate"]


def test_rank_rows_matches_scipy_min_ranks_with_ties_and_gaps() -> None:
    """The numpy ranking equals scipy's rankdata(-x, "min", nan_policy="omit") row by row."""
    from scipy.stats import rankdata

    from marketscout.index.robustness import rank_rows

    rng = np.random.default_rng(16)
    scores = rng.integers(0, 6, size=(200, 30)).astype(float)  # many ties
    scores[rng.random(scores.shape) < 0.1] = np.nan
    scores[0] = np.nan  # a row with no score at all
    scores[1, :3] = [np.inf, -np.inf, 0.0]
    expected = np.asarray(rankdata(-scores, method="min", axis=1, nan_policy="omit"), float)
    np.testing.assert_array_equal(rank_rows(scores), expected)
    assert rank_rows(np.array([[3.0, 1.0, 3.0, np.nan, 2.0]])).tolist()[0][:3] == [1, 4, 1]
