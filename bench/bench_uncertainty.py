"""Benchmark: vectorised Monte Carlo uncertainty analysis against one rebuild per replication.

Run: .venv/bin/python bench/bench_uncertainty.py [--naive-runs 100]

A seeded synthetic index (50 units, 50 indicators, 8 pillars, one index; about 5% missing
values), built with winsorising, min-max [1, 100] and an arithmetic mean. Two scenarios:
weight noise (+/-25% at every level) with arithmetic vs geometric mean (priority.py's default
spec), and the same plus min-max vs rank normalisation. The naive loop calls `build_index` once
per replication with that replication's sampled weights and methods; it is timed on a few
replications and extrapolated per replication, in the same process.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd

from marketscout.index.build import build_index
from marketscout.index.framework import Framework, framework_from_meta
from marketscout.index.recipe import Recipe
from marketscout.index.robustness import UncertaintyResult, UncertaintySpec, run_uncertainty

RECIPE = Recipe(treat="winsorise", normalise="minmax", normalise_params={"range": (1.0, 100.0)})
SCENARIOS = {
    "weights + aggregation": UncertaintySpec(aggregate_alternatives=("amean", "gmean")),
    "weights + aggregation + normalisation": UncertaintySpec(
        aggregate_alternatives=("amean", "gmean"), normalise_alternatives=("minmax", "rank")),
}


def synthetic_index(units: int = 50, indicators: int = 50, pillars: int = 8,
                    seed: int = 2026) -> tuple[pd.DataFrame, Framework]:
    """iData and framework of a seeded three-level index with skewed, partly missing data."""
    rng = np.random.default_rng(seed)
    parent = np.concatenate([np.arange(pillars), rng.integers(0, pillars, indicators - pillars)])
    rows = [{"Level": 1, "iCode": f"ind{i:02d}", "iName": f"Indicator {i}",
             "Direction": int(rng.choice([1, -1])), "Weight": float(rng.integers(1, 4)),
             "Parent": f"pil{parent[i]}", "Type": "Indicator"} for i in range(indicators)]
    rows += [{"Level": 2, "iCode": f"pil{p}", "iName": f"Pillar {p}", "Direction": 1,
              "Weight": 1.0, "Parent": "INDEX", "Type": "Aggregate"} for p in range(pillars)]
    rows.append({"Level": 3, "iCode": "INDEX", "iName": "Index", "Direction": 1,
                 "Weight": None, "Parent": None, "Type": "Aggregate"})
    values = rng.lognormal(sigma=1.0, size=(units, indicators))
    values[rng.random(values.shape) < 0.05] = np.nan
    data = pd.DataFrame(values, columns=[r["iCode"] for r in rows[:indicators]])
    data.insert(0, "uCode", [f"U{u:02d}" for u in range(units)])
    return data, framework_from_meta(pd.DataFrame(rows))


def timed_vectorised(data: pd.DataFrame, framework: Framework, spec: UncertaintySpec,
                     runs: int) -> tuple[float, UncertaintyResult]:
    start = time.perf_counter()
    result = run_uncertainty(data, framework, RECIPE, spec, runs=runs, seed=1)
    return time.perf_counter() - start, result


def timed_naive(data: pd.DataFrame, result: UncertaintyResult, runs: int) -> tuple[float, int]:
    """Seconds per replication of a rebuild loop, and how many rebuilt ranks equal the
    vectorised ones."""
    same = 0
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in range(runs):
            framework, recipe = result.replication(k)
            ranks = build_index(data, framework, recipe).ranks.to_numpy()
            same += bool(np.array_equal(ranks, result.ranks[k], equal_nan=True))
    return (time.perf_counter() - start) / runs, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-runs", type=int, default=100)
    args = parser.parse_args()
    data, framework = synthetic_index()
    print(f"synthetic index: {len(data)} units, {len(framework.indicators)} indicators, "
          f"{len(framework.levels[0].codes)} pillars, 1 index; cores: {os.cpu_count()}")
    timed_vectorised(data, framework, UncertaintySpec(), 10)  # warm-up (imports, caches)
    for name, spec in SCENARIOS.items():
        print(f"\nscenario: {name}")
        t1k, _ = timed_vectorised(data, framework, spec, 1_000)
        t10k, big = timed_vectorised(data, framework, spec, 10_000)
        per_rep, same = timed_naive(data, big, args.naive_runs)
        print(f"  vectorised   1,000 replications: {t1k:7.3f} s")
        print(f"  vectorised  10,000 replications: {t10k:7.3f} s")
        print(f"  naive loop (build_index per replication), measured on {args.naive_runs} "
              f"replications: {per_rep * 1e3:.1f} ms per replication "
              f"({same}/{args.naive_runs} rebuilt rank vectors equal the vectorised ones)")
        print(f"  naive, extrapolated:  1,000 -> {per_rep * 1e3:8.1f} s;  "
              f"10,000 -> {per_rep * 1e4:8.1f} s")
        print(f"  speed-up: {per_rep * 1e3 / t1k:6.0f}x at 1,000; "
              f"{per_rep * 1e4 / t10k:6.0f}x at 10,000")


if __name__ == "__main__":
    main()
