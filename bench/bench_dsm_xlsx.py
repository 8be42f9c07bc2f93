"""Benchmark: `dsm run` as a whole process against one DuckDB group-by pass over the same
trade files, its workbook, and the workbook against the same rows as CSV (issue 16).

Run: .venv/bin/python bench/bench_dsm_xlsx.py [--small] [--repeat 3] [--cache DIR]

On the guide's SYNTHETIC world by default (220 countries, 5,000 HS92 products, 6 years,
8 million rows a year; generated once, about 15 s, and cached with bench_dsm.py's worlds);
`--small` uses bench_dsm.py's small world (80 countries, 1,000 products, ~300,000 rows a
year), where start-up dominates.

1. Whole processes, interleaved, median of --repeat, after one warm-up run that builds the
   store: `python -c` running `SELECT t, i, k, sum(v) FROM read_parquet([...]) GROUP BY ALL`
   and fetching the rows (every row of every year read and grouped by year, market and
   product, the DSM's first aggregate, once: the baseline), `marketscout
   dsm run --home LTU --trade WORLD` (the terminal table, into a pipe), the same with
   `--format csv --output FILE` and with `--format xlsx --output FILE`. Targets: dsm run
   <= 2x the group-by pass; the workbook run < 30 s.
2. In this process, the same rows (the run's opportunities table and columns) written by the
   one Excel writer and by the one CSV writer: the XLSX/CSV ratio per row. (The workbook of
   `dsm run` holds more than the CSV: markets, roll-ups, up to 100,000 excluded rows.)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_dsm import FULL, SMALL, cached_world
from marketscout.dsm.synthetic import load_world
from marketscout.settings import load_settings
from process_env import process_env

TARGET_RATIO, TARGET_XLSX = 2.0, 30.0


def group_by_code(paths: list[Path]) -> str:
    listed = ", ".join(f"'{p}'" for p in paths)
    return ("import duckdb; con = duckdb.connect(); con.sql('SET enable_progress_bar = false'); "
            f"con.sql(\"SELECT t, i, k, sum(v) FROM read_parquet([{listed}]) GROUP BY ALL\")"
            ".fetchall()")


def whole_processes(folder: Path, paths: list[Path], home: str,
                    repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each command, run in turn `repeat` times (so that a
    change in the machine's load hits every command alike)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = process_env(tmp, f"{tmp}/pycache")
        cli = [sys.executable, "-m", "marketscout", "dsm", "run", "--home", home, "--trade",
               str(folder)]
        subprocess.run([*cli, "--format", "csv", "--output", f"{tmp}/warm.csv"], env=env,
                       check=True, capture_output=True)  # builds the store, writes bytecode
        runs = {"group-by pass": [sys.executable, "-c", group_by_code(paths)],
                "dsm run": cli,
                "dsm run --format csv": [*cli, "--format", "csv", "--output", f"{tmp}/o.csv"],
                "dsm run --format xlsx": [*cli, "--format", "xlsx", "--output",
                                          f"{tmp}/o.xlsx"]}
        took: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for _ in range(repeat):
            for name, command in runs.items():
                took[name].append(timed(command, env))
    return {name: (statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))
            for name, times in took.items()}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all threads) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def same_rows(folder: Path, home: str, year: int) -> tuple[int, float, float]:
    """Rows of the opportunities table, and seconds to write them as XLSX and as CSV."""
    from marketscout.dsm.engine import run_dsm
    from marketscout.dsm.synthetic import load_world_inputs
    from marketscout.dsm.trade import TradeSource
    from marketscout.reports.csvfile import write_csv
    from marketscout.reports.dsm_columns import PAIR_COLUMNS
    from marketscout.reports.dsm_export import opportunities_table
    from marketscout.reports.workbook import Sheet, write_workbook
    from marketscout.store import Store

    world = load_world(folder)
    with Store() as store:
        load_world_inputs(store, world)
        result = run_dsm(TradeSource.files(*world.paths), home, year, store=store)
    table = opportunities_table(result)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_workbook(Path(tmp) / "o.xlsx", [Sheet("Opportunities", table, PAIR_COLUMNS)],
                       progress=False)
        xlsx = time.perf_counter() - start
        start = time.perf_counter()
        write_csv(Path(tmp) / "o.csv", table, PAIR_COLUMNS)
        csv = time.perf_counter() - start
    return len(table), xlsx, csv


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", action="store_true", help="bench_dsm.py's small world")
    parser.add_argument("--home", default="LTU")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=load_settings().cache_dir / "bench")
    args = parser.parse_args()
    spec = SMALL if args.small else FULL
    print(f"SYNTHETIC world: {spec} ({'small' if args.small else 'the guide'}'s world); "
          f"{os.cpu_count()} CPUs, load average "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    folder = cached_world(spec, args.cache)
    took = whole_processes(folder, load_world(folder).paths, args.home, args.repeat)
    (base, base_cpu), (run, _), (xlsx, _) = (
        took["group-by pass"], took["dsm run"], took["dsm run --format xlsx"])
    print(f"whole processes, median of {args.repeat} (wall; CPU of all threads):")
    for name, (seconds, cpu) in took.items():
        print(f"  {name:<24}{seconds:7.2f} s = {seconds / base:5.2f}x the group-by pass; "
              f"CPU {cpu:6.2f} s = {cpu / base_cpu:5.2f}x")
    rows, wb, text = same_rows(folder, args.home, spec.last_year)
    print(f"same rows ({rows:,} opportunities, one sheet): XLSX {wb:.2f} s, CSV {text:.2f} s "
          f"= {wb / text:.2f}x")
    for name, met in {f"dsm run <= {TARGET_RATIO:.0f}x the group-by pass":
                      run <= TARGET_RATIO * base,
                      f"dsm run --format xlsx < {TARGET_XLSX:.0f} s": xlsx < TARGET_XLSX}.items():
        print(f"  {'met' if met else 'MISSED'}: {name}")


if __name__ == "__main__":
    main()
