"""DuckDB vs Spark local mode on the same synthetic world; the all-exporters x all-years
workload on each; threshold-robustness draws per second.

    .venv/bin/python bench/bench_dsm_spark.py                 # 80 countries, 6 x 300k rows
    .venv/bin/python bench/bench_dsm_spark.py --rows-per-year 2000000 --skip-spark

Both engines run the same SQL (Spark: transpiled by sqlglot) and must find the identical
(market, product, cell) set; the figures are wall times in this process, after one warm-up
run of each engine (Spark's first query also pays JVM start and code compilation). Spark in
local mode on 2 cores is expected to be slower than DuckDB: it is there for clusters.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import asdict
from pathlib import Path

import platformdirs

from bench_dsm import SMALL, cached_world
from marketscout.dsm.engine import run_dsm, run_dsm_all
from marketscout.dsm.robustness import run_robustness
from marketscout.dsm.synthetic import WorldSpec, load_world, load_world_inputs
from marketscout.dsm.trade import TradeSource
from marketscout.store import Store

KEY = ["market", "product", "cell"]


def timed(task):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = task()
    return value, time.perf_counter() - start


def cells(frame) -> set[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return {(str(m), str(p), int(c)) for m, p, c in frame[KEY].itertuples(index=False)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-per-year", type=int, default=SMALL.rows_per_year)
    parser.add_argument("--home", default="LTU")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--skip-spark", action="store_true")
    args = parser.parse_args()
    spec = WorldSpec(**(asdict(SMALL) | {"rows_per_year": args.rows_per_year}))
    folder = cached_world(spec, Path(platformdirs.user_cache_dir("marketscout")) / "bench")
    world = load_world(folder)
    rows = sum(world.rows.values())
    trade = TradeSource.files(*world.paths)
    years = sorted(world.trade_files)
    engines: list[object] = ["duckdb"]
    if not args.skip_spark:
        from marketscout.dsm.spark import local_session

        engines.append(local_session(cores=2, partitions=4))
    with Store() as store:
        load_world_inputs(store, world)
        found = {}
        for engine in engines:
            name = "duckdb" if engine == "duckdb" else "spark local[2]"
            run_dsm(trade, args.home, spec.last_year, store=store, engine=engine)  # warm-up
            result, seconds = timed(lambda e=engine: run_dsm(trade, args.home, spec.last_year,
                                                             store=store, engine=e))
            found[name] = cells(result.opportunities)
            print(f"{name:15s} one home ({args.home}, {spec.last_year}): {seconds:7.2f} s, "
                  f"{len(result.opportunities):,} opportunities, {rows:,} rows in the world "
                  f"({rows / seconds:,.0f} rows/s)")
        if len(found) == 2:
            same = found["duckdb"] == found["spark local[2]"]
            print(f"identical (market, product, cell) on both engines: {same}")
        for engine in engines:
            name = "duckdb" if engine == "duckdb" else "spark local[2]"
            _all_years(trade, years, store, engine, name, rows, folder)
        _robustness(trade, args.home, spec.last_year, store, args.draws)


def _all_years(trade: TradeSource, years: list[int], store: Store, engine: object, name: str,
               rows: int, folder: Path) -> None:
    """Every exporter as home, for every year of the world (earlier years with fewer growth
    tests, as their history is shorter)."""
    start = time.perf_counter()
    total = 0
    for year in years:
        out = folder.parent / f"all-{name.split()[0]}-{year}.parquet"
        done = run_dsm_all(trade, year, store=store, output=out, engine=engine)
        total += done.opportunities
    seconds = time.perf_counter() - start
    print(f"{name:15s} all exporters x {len(years)} years: {seconds:7.2f} s, {total:,} "
          f"opportunities ({rows * len(years) / seconds:,.0f} rows/s over the years' reads, "
          f"{rows / seconds:,.0f} distinct rows/s)")


def _robustness(trade: TradeSource, home: str, year: int, store: Store, draws: int) -> None:
    (result, seconds) = timed(lambda: run_robustness(trade, home, year, store=store,
                                                     draws=draws))
    print(f"robustness      {draws} draws: {seconds:.2f} s in all (one engine run + draws), "
          f"draws alone {result.seconds:.2f} s = {result.runs_per_second:,.0f} runs/s; "
          f"{len(result.pairs):,} candidate product-markets; most sensitive threshold: "
          f"{result.sensitivity['threshold'].iloc[0] if len(result.sensitivity) else '-'}")


if __name__ == "__main__":
    main()
