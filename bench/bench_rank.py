"""Benchmark: the main job (`marketscout rank --home LTU`) on the embedded snapshot.

Run: .venv/bin/python bench/bench_rank.py [--runs 1000] [--naive-runs 50]

Times each stage in one process: creating the store from the snapshot, computing the seven
criteria, and building the priority list with its Monte Carlo runs (vectorised). As a
baseline, the same replications are rebuilt one `build_index` call at a time (timed on
`--naive-runs` replications and extrapolated), and the ratio is printed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from marketscout import criteria, priority
from marketscout.index.build import build_index
from marketscout.index.framework import framework_from_meta
from marketscout.index.robustness import run_uncertainty
from marketscout.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--naive-runs", type=int, default=50)
    args = parser.parse_args()
    options = priority.Options(runs=args.runs)

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with open_store(Path(tmp) / "m.duckdb") as store:
            t_init = time.perf_counter() - start
            start = time.perf_counter()
            found = criteria.compute_all(store, "LTU")
            t_criteria = time.perf_counter() - start
    start = time.perf_counter()
    plist = priority.build_priority_list("LTU", found, options)
    t_rank = time.perf_counter() - start

    used, _ = priority.select_criteria(found, options)
    data, meta = priority.index_tables(used, options)
    framework = framework_from_meta(meta)
    result = run_uncertainty(data, framework, options.recipe, options.spec, args.naive_runs,
                             options.seed)
    start = time.perf_counter()
    for k in range(args.naive_runs):
        fw, recipe = result.replication(k)
        build_index(data, fw, recipe)
    per_run = (time.perf_counter() - start) / args.naive_runs

    print(f"markets ranked: {len(plist.markets)}, criteria used: {len(plist.used)}")
    print(f"store from snapshot:        {t_init:7.2f} s")
    print(f"seven criteria:             {t_criteria:7.2f} s")
    print(f"priority list, {args.runs} runs: {t_rank:7.2f} s")
    print(f"naive rebuild loop: {per_run * 1000:.1f} ms per run, "
          f"{per_run * args.runs:.1f} s extrapolated to {args.runs} runs")
    print(f"speed-up of the vectorised runs: {per_run * args.runs / t_rank:.0f}x")


if __name__ == "__main__":
    main()
