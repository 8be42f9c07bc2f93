"""Benchmark: the DSM engine (SQL in DuckDB over Parquet) against a plain pandas baseline.

Run: .venv/bin/python bench/bench_dsm.py [--rows-per-year 8000000] [--small] [--home LTU]

On a SYNTHETIC world (marketscout.dsm.synthetic; 220 countries, 5,000 HS92 products, 6 years,
8 million rows a year by default; cached under the user cache folder and reused): the full
DSM for one home country (wall and CPU time, peak memory), the all-exporters mode (throughput),
and the pandas baseline for the same home in the same run; prints the speed-up and asserts
that engine and baseline find exactly the same opportunities in the same cells (and that the
all-exporters pass agrees with the single-home run). Targets (issue 4, 2 cores): one home
< 20 s and < 4 GB; speed-up >= 5x. Every step runs in a fresh child process, so that each
peak resident memory (ru_maxrss) is that step's own.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout.dsm.baseline import run_baseline
from marketscout.dsm.engine import run_dsm, run_dsm_all
from marketscout.dsm.synthetic import WorldSpec, generate_world, load_world, load_world_inputs
from marketscout.dsm.trade import TradeSource
from marketscout.settings import load_settings
from marketscout.store import Store

FULL = WorldSpec(countries=220, products=5000, years=6, rows_per_year=8_000_000, seed=2026)
SMALL = WorldSpec(countries=80, products=1000, years=6, rows_per_year=300_000, seed=2026)
TARGET_SECONDS, TARGET_GB, TARGET_SPEEDUP = 20.0, 4.0, 5.0
KEY = ["market", "product", "cell"]


@dataclass(frozen=True)
class Step:
    """One measured step: what it returned, its wall time and its peak resident memory."""

    value: Any
    seconds: float
    cpu: float  # CPU seconds of all the process's threads over the timed part
    peak_gb: float


def _peak_gb() -> float:
    """Peak resident memory of this process (ru_maxrss is in KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 30) if sys.platform == "darwin" else peak / (1 << 20)


def _child(task: Callable[..., tuple[Any, tuple[float, float]]], args: tuple[Any, ...]) -> Step:
    value, (seconds, cpu) = task(*args)
    return Step(value, seconds, cpu, _peak_gb())


def measured(task: Callable[..., tuple[Any, tuple[float, float]]], *args: Any) -> Step:
    """Run `task(*args)` in a fresh process; the task returns its value and the seconds of
    its timed part (setup such as loading the macro table into a store is not timed)."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(_child, (task, args))


def _timed(run: Callable[[], Any]) -> tuple[Any, tuple[float, float]]:
    """The value of `run()`, and its wall and CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    value = run()
    return value, (time.perf_counter() - start, time.process_time() - cpu)


def world_task(spec: WorldSpec, folder: Path) -> tuple[dict[int, int], tuple[float, float]]:
    return _timed(lambda: generate_world(spec, folder).rows)


def engine_task(folder: Path, home: str, year: int) -> tuple[pd.DataFrame, tuple[float, float]]:
    world = load_world(folder)
    with Store() as store:
        load_world_inputs(store, world)
        trade = TradeSource.files(*world.paths)
        result, seconds = _timed(lambda: run_dsm(trade, home, year, store=store))
    assert result.synthetic, "a synthetic world must give a result marked synthetic"
    return result.opportunities, seconds


def all_task(folder: Path, year: int, detail: Path) -> tuple[tuple[int, int], tuple[float, float]]:
    world = load_world(folder)
    with Store() as store:
        load_world_inputs(store, world)
        trade = TradeSource.files(*world.paths)
        result, seconds = _timed(lambda: run_dsm_all(trade, year, store=store, output=detail))
    assert result.synthetic
    return (result.homes, result.opportunities), seconds


def baseline_task(folder: Path, home: str, year: int) -> tuple[pd.DataFrame, tuple[float, float]]:
    world = load_world(folder)
    with Store() as store:
        load_world_inputs(store, world)
        result, seconds = _timed(lambda: run_baseline(world.paths, home, year, store=store))
    assert result.synthetic
    return result.opportunities, seconds


def cached_world(spec: WorldSpec, cache: Path) -> Path:
    """The world's folder, generated (and timed) only when no matching one is cached."""
    folder = cache / "dsm-world-{countries}c-{products}p-{years}y-{rows_per_year}r-s{seed}".format(
        **asdict(spec))
    if (folder / "manifest.json").exists() and load_world(folder).spec == spec:
        print(f"world: reusing {folder}")
        return folder
    step = measured(world_task, spec, folder)
    rows = sum(step.value.values())
    print(f"world: generated {rows:,} rows in {step.seconds:.1f} s ({step.cpu:.1f} s CPU), "
          f"peak {step.peak_gb:.2f} GB "
          f"({rows / step.seconds:,.0f} rows/s) -> {folder}")
    return folder


def same_cells(engine: pd.DataFrame, baseline: pd.DataFrame) -> tuple[bool, str]:
    """Whether both found the same (market, product, cell) set, and a summary of any gap."""
    a = set(engine[KEY].astype(str).itertuples(index=False, name=None))
    b = set(baseline[KEY].astype(str).itertuples(index=False, name=None))
    return a == b, f"engine only {sorted(a - b)[:5]}, baseline only {sorted(b - a)[:5]}"


def _line(name: str, step: Step, extra: str = "") -> None:
    print(f"{name:<28}{step.seconds:>8.2f} s wall{step.cpu:>8.2f} s CPU{step.peak_gb:>7.2f} GB"
          f"  {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows-per-year", type=int, default=None)
    parser.add_argument("--small", action="store_true", help="a quick run on a small world")
    parser.add_argument("--home", default="LTU")
    parser.add_argument("--cache", type=Path, default=load_settings().cache_dir / "bench")
    parser.add_argument("--skip-all", action="store_true", help="skip the all-exporters run")
    args = parser.parse_args()
    spec = SMALL if args.small else FULL
    if args.rows_per_year:
        spec = WorldSpec(**(asdict(spec) | {"rows_per_year": args.rows_per_year}))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"SYNTHETIC world: {spec}\n{os.cpu_count()} CPUs, load average {load} (other work "
          "on the machine slows wall times; CPU times are less affected)")
    folder = cached_world(spec, args.cache)
    rows = sum(load_world(folder).rows.values())
    year = spec.last_year
    engine = measured(engine_task, folder, args.home, year)
    _line(f"engine, home {args.home}", engine, f"{len(engine.value):,} opportunities")
    baseline = measured(baseline_task, folder, args.home, year)
    _line(f"pandas baseline, {args.home}", baseline, f"{len(baseline.value):,} opportunities")
    speedup = baseline.seconds / engine.seconds
    print(f"speed-up engine vs baseline: {speedup:.1f}x wall (target >= {TARGET_SPEEDUP:.0f}x), "
          f"{baseline.cpu / engine.cpu:.1f}x CPU time")
    ok, gap = same_cells(engine.value, baseline.value)
    assert ok, f"engine and baseline disagree: {gap}"
    print(f"identical opportunities and cells: {len(engine.value):,} (market, product, cell)")
    if not args.skip_all:
        _all_exporters(folder, year, rows, args.home, engine.value)
    _verdict(engine, speedup)


def _all_exporters(folder: Path, year: int, rows: int, home: str, single: pd.DataFrame) -> None:
    """Time every exporter's opportunities in one pass, and check it against the single run."""
    with tempfile.TemporaryDirectory() as tmp:
        detail = Path(tmp) / "all.parquet"
        step = measured(all_task, folder, year, detail)
        homes, found = step.value
        _line("engine, all exporters", step, f"{homes} homes, {found:,} opportunities; "
              f"{rows / step.seconds:,.0f} rows/s, {homes / step.seconds:.1f} countries/s")
        mine = pd.read_parquet(detail, filters=[("home", "==", home)])
    ok, gap = same_cells(single, mine)
    assert ok, f"all-exporters mode disagrees with the single-home run for {home}: {gap}"
    print(f"all-exporters rows for {home} match the single-home run: {len(mine):,}")


def _verdict(engine: Step, speedup: float) -> None:
    checks = {f"one home < {TARGET_SECONDS:.0f} s": engine.seconds < TARGET_SECONDS,
              f"one home < {TARGET_GB:.0f} GB": engine.peak_gb < TARGET_GB,
              f"speed-up >= {TARGET_SPEEDUP:.0f}x": speedup >= TARGET_SPEEDUP}
    for name, passed in checks.items():
        print(f"  {'met' if passed else 'MISSED'}: {name}")


if __name__ == "__main__":
    main()
