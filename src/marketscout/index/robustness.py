"""Monte Carlo uncertainty and variance-based sensitivity analysis of an index (COINr
`get_sensitivity`, METHODS.md §3.6), vectorised across replications.

Uncertain inputs: noisy weights (COINr `get_noisy_weights`, w' = w(1 + f U(-1, 1))) and
discrete alternatives for normalisation, aggregation, imputation and winmax. The index is
built with `build_index` once per combination of discrete alternatives that occurs (there are
few); all replications sharing a combination are then aggregated together on (runs x units x
children) arrays (`replicate.py`, `batch.py`), so the weight noise costs one vectorised
product per level, not one rebuild per run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from marketscout.errors import InputError
from marketscout.index.build import build_index
from marketscout.index.framework import Framework
from marketscout.index.recipe import Recipe
from marketscout.index.replicate import Problem, discrete, evaluate, nodes, noise_multipliers
from marketscout.index.sensitivity import saltelli_design, sobol_indices
from marketscout.index.spec import DISCRETE, INPUTS, UncertaintySpec

__all__ = ["INPUTS", "UncertaintyResult", "UncertaintySpec", "prob_top", "rank_rows",
           "run_sensitivity", "run_uncertainty"]


@dataclass(frozen=True)
class UncertaintyResult:
    """Scores and ranks of every unit in every replication, and what each run used."""

    units: tuple[str, ...]
    scores: np.ndarray             # runs x units (NaN where a run failed)
    ranks: np.ndarray              # runs x units, descending, ties "min"
    nominal_score: np.ndarray      # units, from build_index(data, framework, recipe)
    nominal_rank: np.ndarray       # units
    inputs: pd.DataFrame           # per run: weight_set, normalise, aggregate, impute, winmax
    weights: pd.DataFrame          # per run: the raw weight of every node as used
    failed: np.ndarray             # runs: the build failed (COINr gives NA ranks)
    framework: Framework
    recipe: Recipe

    def shift(self) -> np.ndarray:
        """Per run, the mean absolute rank shift vs nominal (NaN for failed runs)."""
        diff = np.abs(self.ranks - self.nominal_rank[None, :])
        out = np.full(diff.shape[0], np.nan)
        rows = ~np.isnan(diff).all(axis=1)
        out[rows] = np.nanmean(diff[rows], axis=1)
        return out

    def summary(self) -> pd.DataFrame:
        """COINr RankStats per unit (Nominal, Mean, Median, Q5, Q95 as nominal_rank, mean_rank,
        median_rank, q05_rank, q95_rank), the mean absolute rank shift vs nominal and the
        number of successful runs; best nominal rank first."""
        r = self.ranks
        ok = ~np.isnan(r).all(axis=0)
        stats = np.full((5, r.shape[1]), np.nan)
        if ok.any():
            ro = r[:, ok]
            stats[:, ok] = [np.nanmean(ro, axis=0), *_rank_quantiles(ro),
                            np.nanmean(np.abs(ro - self.nominal_rank[None, ok]), axis=0)]
        table = pd.DataFrame({"uCode": self.units, "nominal_rank": self.nominal_rank,
                              "mean_rank": stats[0], "median_rank": stats[1],
                              "q05_rank": stats[2], "q95_rank": stats[3],
                              "mean_abs_shift": stats[4], "runs": np.isfinite(r).sum(axis=0)})
        order = np.argsort(np.nan_to_num(self.nominal_rank, nan=np.inf), kind="stable")
        return table.iloc[order].reset_index(drop=True)

    def replication(self, k: int) -> tuple[Framework, Recipe]:
        """The framework (with run k's weights) and recipe that rebuild run k the slow way."""
        row = self.inputs.iloc[k]
        recipe = _combo_recipe(self.recipe, {n: row[n] for n in DISCRETE})
        weights = {str(c): float(v) for c, v in self.weights.iloc[k].items()}
        return (self.framework.with_weights(weights),
                dataclasses.replace(recipe, weighting="given"))


def _rank_quantiles(ranks: np.ndarray) -> np.ndarray:
    """Median, 5th and 95th percentile of each column, NaNs ignored. numpy's nan-quantiles
    loop over columns in Python once any NaN is present, so columns without NaN (the usual
    case) are computed in one vectorised call; the same values, several times faster."""
    out = np.empty((3, ranks.shape[1]))
    full = ~np.isnan(ranks).any(axis=0)
    out[:, full] = np.quantile(ranks[:, full], [0.5, 0.05, 0.95], axis=0)
    if not full.all():
        out[:, ~full] = np.nanquantile(ranks[:, ~full], [0.5, 0.05, 0.95], axis=0)
    return out


def prob_top(result: UncertaintyResult, n: int) -> pd.Series:
    """Per unit, the share of successful runs in which it ranks n or better."""
    if n < 1:
        raise InputError(f"n must be at least 1, got {n}.", where="prob_top",
                         fix="Ask for the top 1, 5, 10, ...")
    done = ~result.failed
    hits = (result.ranks[done] <= n).sum(axis=0)
    share = hits / done.sum() if done.any() else np.full(len(result.units), np.nan)
    return pd.Series(share, index=pd.Index(result.units, name="uCode"), name=f"P(top {n})")


def rank_rows(scores: np.ndarray) -> np.ndarray:
    """Rank each row descending with ties "min" (pandas rank(ascending=False, method="min")).

    Missing scores stay missing and are left out of the other units' ranks (scipy's
    rankdata(..., nan_policy="omit"), which this replaces: importing scipy.stats cost ~0.7 s
    of every `index uncertainty` run)."""
    values = -np.asarray(scores, dtype=float)
    order = np.argsort(values, axis=1, kind="stable")  # NaN sorts last
    ordered = np.take_along_axis(values, order, axis=1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    position = np.arange(1, values.shape[1] + 1, dtype=float)
    sorted_ranks = np.maximum.accumulate(np.where(starts, position, 0.0), axis=1)
    ranks = np.empty_like(sorted_ranks)
    np.put_along_axis(ranks, order, sorted_ranks, axis=1)
    ranks[np.isnan(values)] = np.nan
    return ranks


def run_uncertainty(data: pd.DataFrame, framework: Framework, recipe: Recipe,
                    spec: UncertaintySpec, runs: int, seed: int) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis: `runs` replications with inputs drawn uniformly."""
    _check_count(runs, "runs")
    rng = np.random.default_rng(seed)
    design = rng.random((runs, len(INPUTS)))
    return _replicate(data, framework, recipe, spec, design, spec.weight_sets or runs, rng)


def run_sensitivity(data: pd.DataFrame, framework: Framework, recipe: Recipe,
                    spec: UncertaintySpec, n: int, seed: int, n_boot: int = 100,
                    ) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total-order (Jansen) indices of each varied input on
    the mean absolute rank shift vs nominal, from N(d+2) runs, with bootstrap 5%/95% bounds."""
    _check_count(n, "n", minimum=2)
    if n_boot < 0:
        raise InputError(f"n_boot must be 0 or more, got {n_boot}.", where="n_boot",
                         fix="Use e.g. 100 bootstrap draws, or 0 for none.")
    varied = spec.varied(recipe)
    if not varied:
        raise InputError("Nothing varies, so there is nothing to attribute.",
                         where="uncertainty spec",
                         fix="Set a weight noise > 0 or give two or more alternatives.")
    rng = np.random.default_rng(seed)
    sample = saltelli_design(n, len(varied), rng)
    design = np.zeros((sample.shape[0], len(INPUTS)))
    design[:, [INPUTS.index(v) for v in varied]] = sample
    result = _replicate(data, framework, recipe, spec, design, spec.weight_sets or 2 * n, rng)
    return sobol_indices(result.shift(), n, len(varied), names=varied, n_boot=n_boot, seed=seed)


def _check_count(value: int, name: str, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(f"{name} must be a whole number >= {minimum}, got {value!r}.",
                         where=name, fix=f"For example {name} = 1000.")


def _combo_recipe(recipe: Recipe, choice: dict[str, Any]) -> Recipe:
    """The recipe with one discrete alternative per input (own params only for own method)."""
    changes: dict[str, Any] = {k: v for k, v in choice.items() if getattr(recipe, k) != v}
    if "normalise" in changes:
        changes["normalise_params"] = {}
    if "winmax" in changes:
        changes["winmax"] = int(changes["winmax"])
    try:
        return dataclasses.replace(recipe, **changes) if changes else recipe
    except InputError as exc:
        raise InputError(f"The alternative {changes} does not fit the recipe: {exc.what}",
                         where="uncertainty spec", fix=exc.fix) from exc


def _check_against(spec: UncertaintySpec, recipe: Recipe, framework: Framework) -> None:
    """Checks that need the recipe and framework: every alternative is a valid recipe."""
    for name, alts in spec.alternatives(recipe).items():
        for alt in alts:
            _combo_recipe(recipe, {name: alt})
    if len(spec.winmax_alternatives) > 1 and recipe.treat == "none":
        raise InputError("winmax alternatives have no effect: the recipe has treat = 'none'.",
                         where="uncertainty spec, winmax_alternatives",
                         fix="Set treat = \"winsorise\" in the recipe, or drop the alternatives.")
    top = len(framework.levels) + 1
    bad = [lv for lv in spec.noise_levels or () if not 1 <= lv < top]
    if bad:
        raise InputError(f"Noise level(s) {bad} are not levels whose weights are aggregated.",
                         where="uncertainty spec, noise_levels",
                         fix=f"Use levels 1 to {top - 1} (1 = indicator weights).")


def _replicate(data: pd.DataFrame, framework: Framework, recipe: Recipe, spec: UncertaintySpec,
               design: np.ndarray, sets: int, rng: np.random.Generator) -> UncertaintyResult:
    """Map the uniform design (runs x INPUTS) to inputs and evaluate every run."""
    _check_against(spec, recipe, framework)
    nominal = build_index(data, framework, recipe)
    alts = spec.alternatives(recipe)
    choice = np.column_stack([discrete(design[:, i + 1], len(alts[name]))
                              for i, name in enumerate(DISCRETE)])
    combos, which = np.unique(choice, axis=0, return_inverse=True)
    recipes = [_combo_recipe(recipe, {name: alts[name][int(i)]
                                      for name, i in zip(DISCRETE, combo, strict=True)})
               for combo in combos]
    weight_set = discrete(design[:, 0], sets)
    levels = spec.noise_levels or tuple(range(1, len(framework.levels) + 1))
    mult = noise_multipliers(framework, spec.weight_noise, levels, sets, rng)[weight_set]
    problem = Problem.from_nominal(data, framework, nominal)
    scores, failed, raw = evaluate(problem, recipes, which.ravel(), mult)
    picks = {name: [alts[name][i] for i in choice[:, k]] for k, name in enumerate(DISCRETE)}
    return UncertaintyResult(
        units=problem.units, scores=scores, ranks=rank_rows(scores),
        nominal_score=nominal.index.to_numpy(dtype=float),
        nominal_rank=nominal.ranks.to_numpy(dtype=float),
        inputs=pd.DataFrame({"weight_set": weight_set, **picks}),
        weights=pd.DataFrame(raw, columns=list(nodes(framework))), failed=failed,
        framework=framework, recipe=recipe)
