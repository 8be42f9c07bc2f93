"""The vectorised replication engine behind `robustness.run_uncertainty` and `run_sensitivity`.

Each run is a recipe (one of a few combinations of discrete alternatives) plus its own weights.
The pipeline up to normalisation is run once per distinct pre-aggregation choice with
`build_index`; the runs sharing a combination are then aggregated together, level by level, by
`batch.aggregate_level` (one batched matrix product per level).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from marketscout.errors import MarketscoutError
from marketscout.index.batch import Tree, aggregate_level
from marketscout.index.build import IndexResult, build_index
from marketscout.index.framework import Framework
from marketscout.index.recipe import Recipe

_BUDGET = 2**23  # array elements per batch of runs (about 64 MB of float64)
Prepared = tuple[np.ndarray, Framework] | None  # normalised indicators, resolved weights

__all__ = ["Problem", "discrete", "evaluate", "level_of", "nodes", "noise_multipliers"]


@dataclass(frozen=True)
class Problem:
    """The data and tree under study, the units of the nominal build, and built stages."""

    data: pd.DataFrame
    framework: Framework
    units: tuple[str, ...]
    cache: dict[tuple[Any, ...], Prepared] = field(default_factory=dict)

    @classmethod
    def from_nominal(cls, data: pd.DataFrame, framework: Framework,
                     nominal: IndexResult) -> Problem:
        """A problem whose cache already holds the nominal build's normalised indicators."""
        units = tuple(str(u) for u in nominal.aggregated.index)
        x0 = nominal.normalised.reindex(list(units))[list(framework.indicators)]
        problem = cls(data, framework, units)
        problem.cache[_key(nominal.recipe)] = (x0.to_numpy(dtype=float), nominal.framework)
        return problem


def nodes(framework: Framework) -> tuple[str, ...]:
    """Every weighted node: indicators and aggregates below the index, bottom-up."""
    return (*framework.indicators, *framework.aggregates[:-1])


def level_of(framework: Framework) -> dict[str, int]:
    """The COINr level of every node (1 = indicators)."""
    levels = dict.fromkeys(framework.indicators, 1)
    for depth, level in enumerate(framework.levels, start=2):
        levels.update(dict.fromkeys(level.codes, depth))
    return levels


def noise_multipliers(framework: Framework, noise: float, levels: Sequence[int], sets: int,
                      rng: np.random.Generator) -> np.ndarray:
    """A pool of `sets` x nodes multipliers 1 + f U(-1, 1) at `levels`, 1 elsewhere
    (COINr `get_noisy_weights`: w' = w + w f (2 U(0, 1) - 1))."""
    where = level_of(framework)
    noisy = np.array([where[code] in levels for code in nodes(framework)])
    draws = rng.uniform(-1.0, 1.0, size=(sets, noisy.size))
    return 1.0 + noise * draws * noisy[None, :]


def discrete(u: np.ndarray, n_alt: int) -> np.ndarray:
    """COINr's discrete mapping of u in [0, 1) to alternative floor(u n_alt) (0-based)."""
    return np.minimum(np.floor(u * n_alt).astype(int), n_alt - 1)


def evaluate(problem: Problem, recipes: Sequence[Recipe], which: np.ndarray,
             mult: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores (runs x units), failure flags and raw weights (runs x nodes) of every run.

    Run r uses recipe `recipes[which[r]]` and the resolved weights of that recipe times
    `mult[r]`. A run whose build or aggregation fails gets NaN scores, as in COINr.
    """
    codes = nodes(problem.framework)
    scores = np.full((len(which), len(problem.units)), np.nan)
    failed = np.zeros(len(which), dtype=bool)
    raw = np.array([problem.framework.weights[c] for c in codes])[None, :] * mult
    for c, recipe in enumerate(recipes):
        runs = np.flatnonzero(which == c)
        built = _prepare(problem, recipe) if runs.size else None
        if built is None:
            failed[runs] = True
            continue
        x0, used = built
        raw[runs] = np.array([used.weights[code] for code in codes])[None, :] * mult[runs]
        try:
            scores[runs], failed[runs] = _aggregate_runs(x0, used, recipe, raw[runs], codes)
        except MarketscoutError:  # e.g. PROMETHEE parameters that do not fit: NA, as COINr
            failed[runs] = True
    scores[failed] = np.nan
    return scores, failed, raw


def _key(recipe: Recipe) -> tuple[Any, ...]:
    """What the normalised indicators and resolved weights depend on. Aggregation does not
    change them, except PCA weights above level 2 (computed from aggregates)."""
    pca = recipe.weighting == "pca"
    return (recipe.impute, recipe.winmax, recipe.normalise, recipe.aggregate if pca else None)


def _prepare(problem: Problem, recipe: Recipe) -> Prepared:
    """Normalised indicators and resolved weights, built once per distinct `_key`; None if the
    build fails (COINr: a failed regeneration gives NA for its runs)."""
    key = _key(recipe)
    if key not in problem.cache:
        base = recipe if recipe.weighting == "pca" else dataclasses.replace(recipe,
                                                                             aggregate="amean")
        try:
            built = build_index(problem.data, problem.framework, base)
        except MarketscoutError:
            problem.cache[key] = None
        else:
            x0 = built.normalised.reindex(list(problem.units))[list(problem.framework.indicators)]
            problem.cache[key] = (x0.to_numpy(dtype=float), built.framework)
    return problem.cache[key]


def _aggregate_runs(x0: np.ndarray, used: Framework, recipe: Recipe, raw: np.ndarray,
                    codes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Index scores (runs x units) and failure flags for runs sharing one recipe, in batches
    small enough to keep the (runs x units x children) arrays within `_BUDGET`."""
    position = {code: i for i, code in enumerate(codes)}
    step = max(1, _BUDGET // (x0.shape[0] * max(x0.shape[1], 1)))
    scores = np.empty((raw.shape[0], x0.shape[0]))
    failed = np.zeros(raw.shape[0], dtype=bool)
    for start in range(0, raw.shape[0], step):
        part = slice(start, start + step)
        scores[part], failed[part] = _aggregate_batch(x0, used, recipe, raw[part], position)
    return scores, failed


def _aggregate_batch(x0: np.ndarray, used: Framework, recipe: Recipe, raw: np.ndarray,
                     position: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    x, failed = x0, np.zeros(raw.shape[0], dtype=bool)
    children, top = used.indicators, len(used.levels) + 1
    for depth, level in enumerate(used.levels, start=2):
        tree = Tree(np.array([level.codes.index(str(used.parents[c])) for c in children]))
        w = tree.within_parent(raw[:, [position[c] for c in children]])
        x, bad = aggregate_level(x, w, tree, recipe.level_aggregator(depth, top),
                                 recipe.aggregate_params, recipe.dat_thresh)
        failed |= bad
        children = level.codes
    return x[:, :, 0], failed
