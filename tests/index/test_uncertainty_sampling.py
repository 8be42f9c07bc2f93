"""How the Monte Carlo uncertainty analysis samples its inputs (COINr `get_sensitivity`,
METHODS.md §3.6): weight noise w(1 + f U(-1, 1)) in both directions and never beyond ±f, every
discrete alternative drawn in its share of runs, and rank quantiles by R's type 7 for every
unit, computed here from the type-7 formula itself rather than from numpy."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chisquare

from marketscout.index.framework import Framework, framework_from_meta
from marketscout.index.recipe import Recipe
from marketscout.index.replicate import level_of
from marketscout.index.robustness import UncertaintyResult, UncertaintySpec, run_uncertainty

POSITIVE = Recipe(normalise="minmax", normalise_params={"range": (1.0, 100.0)})
NOISE = 0.25


def world(units: int = 12, indicators: int = 6, seed: int = 3) -> tuple[pd.DataFrame, Framework]:
    """Six indicators in two pillars under one index; weights 1-3, some values missing."""
    rng = np.random.default_rng(seed)
    rows = [{"Level": 1, "iCode": f"x{i}", "iName": f"x{i}", "Direction": 1,
             "Weight": float(1 + i % 3), "Parent": f"P{i % 2}", "Type": "Indicator"}
            for i in range(indicators)]
    rows += [{"Level": 2, "iCode": f"P{p}", "iName": f"P{p}", "Direction": 1,
              "Weight": float(p + 1), "Parent": "IDX", "Type": "Aggregate"} for p in range(2)]
    rows.append({"Level": 3, "iCode": "IDX", "iName": "Index", "Direction": 1, "Weight": None,
                 "Parent": None, "Type": "Aggregate"})
    values = rng.lognormal(sigma=1.2, size=(units, indicators))
    values[rng.random(values.shape) < 0.1] = np.nan
    data = pd.DataFrame(values, columns=[f"x{i}" for i in range(indicators)])
    data.insert(0, "uCode", [f"U{u:02d}" for u in range(units)])
    return data, framework_from_meta(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def small() -> tuple[pd.DataFrame, Framework]:
    return world()


def multipliers(result: UncertaintyResult) -> pd.DataFrame:
    """Each run's weight of each node divided by the node's weight in iMeta."""
    nominal = pd.Series(result.framework.weights)[result.weights.columns]
    return result.weights / nominal


# -- weight noise --------------------------------------------------------------------------


def test_weight_noise_goes_down_and_up_within_f(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    result = run_uncertainty(data, framework, POSITIVE, UncertaintySpec(weight_noise=NOISE),
                             runs=1000, seed=5)
    m = multipliers(result)
    assert m.shape == (1000, 8)  # six indicators and two pillars carry weights
    # never outside [1 - f, 1 + f] (a float's width of slack)
    assert (m >= 1 - NOISE - 1e-12).all().all() and (m <= 1 + NOISE + 1e-12).all().all()
    # ... and every node reaches both ends: among 1000 uniform draws the chance that none is
    # in the outer 5% of one side is 0.95**1000 < 1e-22
    assert (m.min() < 1 - 0.95 * NOISE).all(), m.min()
    assert (m.max() > 1 + 0.95 * NOISE).all(), m.max()
    # symmetric around the nominal weight: mean 1 and half the draws below it (5 sigma of a
    # uniform's mean over 1000 draws is 5 * 0.25 / sqrt(3 * 1000) = 0.023; of a share 0.079)
    assert np.abs(m.mean() - 1).max() < 0.023
    assert np.abs((m < 1).mean() - 0.5).max() < 0.079
    # uniform, not bunched: a quarter of the draws in each quarter of [1 - f, 1 + f]
    quarters = np.floor((m.to_numpy() - (1 - NOISE)) / (NOISE / 2)).clip(0, 3)
    for node in range(m.shape[1]):
        counts = np.bincount(quarters[:, node].astype(int), minlength=4)
        assert chisquare(counts).pvalue > 1e-6, counts


def test_weight_noise_only_at_the_chosen_levels(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    result = run_uncertainty(data, framework, POSITIVE,
                             UncertaintySpec(weight_noise=NOISE, noise_levels=(2,)),
                             runs=200, seed=6)
    m = multipliers(result)
    levels = level_of(framework)
    pillars = [c for c in m.columns if levels[c] == 2]
    indicators = [c for c in m.columns if levels[c] == 1]
    assert pillars == ["P0", "P1"] and len(indicators) == 6
    assert (m[indicators] == 1.0).all().all()
    assert (m[pillars].min() < 1 - 0.9 * NOISE).all() and (m[pillars].max() > 1 + 0.9 * NOISE).all()


def test_weight_noise_is_a_relative_change_of_the_given_weight(
        small: tuple[pd.DataFrame, Framework]) -> None:
    """w' = w (1 + f u): the spread of a node's weights grows with its own weight."""
    data, framework = small
    result = run_uncertainty(data, framework, POSITIVE, UncertaintySpec(weight_noise=NOISE),
                             runs=400, seed=8)
    spread = result.weights.max() - result.weights.min()
    weights = pd.Series(framework.weights)[spread.index]
    # a node of weight w spreads over nearly 2 f w (x0: 1, x1: 2, x2: 3, P1: 2)
    np.testing.assert_allclose(spread, 2 * NOISE * weights, rtol=0.03)


def test_a_pool_of_weight_sets_is_drawn_evenly(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    runs, sets = 3000, 5
    result = run_uncertainty(data, framework, POSITIVE,
                             UncertaintySpec(weight_noise=NOISE, weight_sets=sets),
                             runs=runs, seed=9)
    used = result.inputs["weight_set"]
    counts = used.value_counts().reindex(range(sets), fill_value=0).to_numpy()
    assert counts.sum() == runs and chisquare(counts).pvalue > 1e-6, counts
    # runs sharing a set share its weights exactly, and different sets differ
    first = result.weights.groupby(used.to_numpy()).nunique()
    assert (first == 1).all().all()
    assert len(result.weights.drop_duplicates()) == sets


# -- discrete alternatives -----------------------------------------------------------------

# Weight noise on: without it, rank normalisation gives exact ties whose last bits differ
# between the vectorised runs and a rebuild, so tied units can swap ranks (see the report of
# issue 15).
ALTERNATIVES = UncertaintySpec(
    weight_noise=NOISE,
    normalise_alternatives=("minmax", "rank", "prank"),
    aggregate_alternatives=("amean", "gmean", "hmean", "copeland"),
    impute_alternatives=("none", "mean"),
    winmax_alternatives=(1, 3, 5),
)
RUNS = 4000


@pytest.fixture(scope="module")
def drawn(small: tuple[pd.DataFrame, Framework]) -> UncertaintyResult:
    data, framework = small
    recipe = dataclasses.replace(POSITIVE, treat="winsorise")
    # prank gives zeros, which gmean/hmean refuse: those runs fail, but are still drawn
    return run_uncertainty(data, framework, recipe, ALTERNATIVES, runs=RUNS, seed=12)


@pytest.mark.parametrize(("column", "alternatives"), [
    ("normalise", ALTERNATIVES.normalise_alternatives),
    ("aggregate", ALTERNATIVES.aggregate_alternatives),
    ("impute", ALTERNATIVES.impute_alternatives),
    ("winmax", ALTERNATIVES.winmax_alternatives),
])
def test_every_alternative_is_drawn_in_its_share_of_runs(
        drawn: UncertaintyResult, column: str, alternatives: tuple[object, ...]) -> None:
    counts = drawn.inputs[column].value_counts().reindex(list(alternatives), fill_value=0)
    assert counts.sum() == RUNS
    # Each share within 5 binomial standard deviations of 1/k: for the fixed seed this is a
    # fixed outcome, and for any seed it would fail about once in 1.7 million draws.
    k = len(alternatives)
    sigma = math.sqrt((1 / k) * (1 - 1 / k) / RUNS)
    shares = counts / RUNS
    assert (np.abs(shares - 1 / k) < 5 * sigma).all(), shares
    assert chisquare(counts.to_numpy()).pvalue > 1e-6, counts


def test_alternatives_are_drawn_independently(drawn: UncertaintyResult) -> None:
    """Each pair of inputs takes every combination in its share: one draw per input."""
    for a, b in [("normalise", "aggregate"), ("aggregate", "impute"), ("impute", "winmax"),
                 ("normalise", "winmax")]:
        counts = pd.crosstab(drawn.inputs[a], drawn.inputs[b]).to_numpy().ravel()
        assert len(counts) == drawn.inputs[a].nunique() * drawn.inputs[b].nunique()
        assert chisquare(counts).pvalue > 1e-6, (a, b, counts)


def test_failed_alternatives_are_drawn_and_fail(drawn: UncertaintyResult) -> None:
    bad = (drawn.inputs["normalise"] == "prank") & drawn.inputs["aggregate"].isin(["gmean",
                                                                                   "hmean"])
    assert bad.sum() > 0
    assert drawn.failed[bad.to_numpy()].all()
    assert not drawn.failed[~bad.to_numpy()].any()


def test_each_run_is_built_with_the_alternatives_it_drew(drawn: UncertaintyResult,
                                                         small: tuple[pd.DataFrame, Framework]
                                                         ) -> None:
    """The inputs table is what the runs used: rebuilding a run from it gives its ranks."""
    from marketscout.index.build import build_index

    data, _ = small
    ok = np.flatnonzero(~drawn.failed)
    for k in ok[:: max(1, len(ok) // 8)]:
        framework, recipe = drawn.replication(int(k))
        row = drawn.inputs.iloc[int(k)]
        assert (recipe.normalise, recipe.aggregate, recipe.impute, recipe.winmax) == (
            row["normalise"], row["aggregate"], row["impute"], row["winmax"])
        ranks = build_index(data, framework, recipe).ranks.to_numpy()
        assert np.array_equal(ranks, drawn.ranks[k], equal_nan=True)


# -- rank quantiles: R type 7 --------------------------------------------------------------


def type7(values: np.ndarray, p: float) -> float:
    """R's default quantile (Hyndman & Fan type 7), from its definition: with the n sorted
    non-missing values x[0..n-1] and h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1]
    - x[floor h])."""
    x = sorted(float(v) for v in values if not math.isnan(v))
    if not x:
        return math.nan
    h = (len(x) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(x) - 1)
    return x[lo] + (h - lo) * (x[hi] - x[lo])


def check_type7(result: UncertaintyResult) -> int:
    """Every unit's median, 5% and 95% ranks equal type 7; returns how many of them the
    'lower' (type 1-like) rule would have got wrong, to show the data can tell them apart."""
    table = result.summary().set_index("uCode")
    differs = 0
    for u, unit in enumerate(result.units):
        column = result.ranks[:, u]
        for name, p in [("median_rank", 0.5), ("q05_rank", 0.05), ("q95_rank", 0.95)]:
            expected = type7(column, p)
            assert table.loc[unit, name] == pytest.approx(expected, abs=1e-12, nan_ok=True), (
                unit, name)
            finite = column[~np.isnan(column)]
            if finite.size:
                differs += int(np.quantile(finite, p, method="lower") != expected)
        if np.isnan(column).all():  # never scored: no statistics, not an error
            assert np.isnan(table.loc[unit, "mean_rank"])
        else:
            assert table.loc[unit, "mean_rank"] == pytest.approx(np.nanmean(column))
    return differs


def test_rank_quantiles_are_type_7_for_every_unit(small: tuple[pd.DataFrame, Framework]) -> None:
    data, framework = small
    # 203 runs: h = 202 p is 10.1 and 191.9 for the 5% and 95% points, so the interpolation
    # between order statistics matters
    result = run_uncertainty(data, framework, POSITIVE,
                             UncertaintySpec(weight_noise=0.6,
                                             aggregate_alternatives=("amean", "gmean")),
                             runs=203, seed=21)
    assert not np.isnan(result.ranks).any()
    assert check_type7(result) > 0


def test_rank_quantiles_skip_failed_runs(small: tuple[pd.DataFrame, Framework]) -> None:
    """Failed runs (every unit NaN) are left out, as R's quantile(na.rm = TRUE)."""
    data, framework = small
    spec = UncertaintySpec(weight_noise=0.6, normalise_alternatives=("minmax", "zscore"),
                           aggregate_alternatives=("amean", "gmean"))
    result = run_uncertainty(data, framework, POSITIVE, spec, runs=301, seed=4)
    assert result.failed.any() and not result.failed.all()  # zscore + gmean fails
    check_type7(result)
    assert (result.summary()["runs"] == (~result.failed).sum()).all()


def test_rank_quantiles_skip_units_left_unscored(small: tuple[pd.DataFrame, Framework]) -> None:
    """Without imputation some units miss the data threshold (NaN rank in those runs only):
    their quantiles use the runs that scored them; fully scored units use every run."""
    data, framework = small
    recipe = dataclasses.replace(POSITIVE, dat_thresh=0.7)
    spec = UncertaintySpec(weight_noise=0.6, impute_alternatives=("none", "mean"))
    result = run_uncertainty(data, framework, recipe, spec, runs=301, seed=4)
    assert not result.failed.any()
    missing = np.isnan(result.ranks)
    assert missing.any(axis=0).any() and not missing.any(axis=0).all()
    assert not missing.all(axis=0).any()
    check_type7(result)
    runs = result.summary().set_index("uCode")["runs"]
    expected = dict(zip(result.units, (~missing).sum(axis=0), strict=True))
    assert runs.to_dict() == expected
