"""Benchmark: `dsm run --format xlsx` against the same rows as CSV, whole process.

Run: .venv/bin/python bench/bench_dsm_xlsx.py [--rows-per-year 300000] [--countries 80]
     [--products 1000] [--repeat 3]

The guide's synthetic world (220 countries, 5,000 products, 8 million rows a year) is too big
for the shared 2-core development machine; this script writes a SMALLER synthetic world with
`marketscout dsm synth` (sizes printed, defaults as bench_dsm.py --small) and times
`marketscout dsm run --home LTU --trade WORLD` writing the opportunities as CSV and as XLSX,
each as a fresh process (median of --repeat), and prints the XLSX/CSV ratio (issue 16: the
guide's world's workbook in under 30 s). Figures on this world are not the guide's figure.

Not the same rows: the CSV holds the opportunities only, the workbook also the markets, the
roll-ups and up to 100,000 excluded product-markets (reports/dsm_export.to_xlsx), so the ratio
overstates the cost of XLSX per row.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(argv: list[str], env: dict[str, str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows-per-year", type=int, default=300_000)
    parser.add_argument("--countries", type=int, default=80)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MARKETSCOUT_HOME": tmp, "MARKETSCOUT_CACHE": f"{tmp}/cache",
               "PYTHONPATH": os.pathsep.join(
                   [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
        cli = [sys.executable, "-m", "marketscout"]
        world = f"{tmp}/world"
        subprocess.run([*cli, "dsm", "synth", "--out", world, "--countries",
                        str(args.countries), "--products", str(args.products),
                        "--rows-per-year", str(args.rows_per_year)],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"SMALLER synthetic world: {args.countries} countries, {args.products} products, "
              f"6 years, about {args.rows_per_year:,} rows a year (not the guide's world)")
        run = [*cli, "dsm", "run", "--home", "LTU", "--trade", world]
        subprocess.run([*run, "--format", "csv", "--output", f"{tmp}/warm.csv"], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        csv = timed([*run, "--format", "csv", "--output", f"{tmp}/reo.csv"], env, args.repeat)
        xlsx = timed([*run, "--format", "xlsx", "--output", f"{tmp}/reo.xlsx"], env,
                     args.repeat)
        size = Path(f"{tmp}/reo.csv").stat().st_size
        print(f"dsm run --format csv:  {csv:.2f} s (CSV {size / 1e6:.1f} MB)")
        print(f"dsm run --format xlsx: {xlsx:.2f} s = {xlsx / csv:.2f}x the CSV run "
              f"(median of {args.repeat}; the workbook holds more sheets than the CSV)")


if __name__ == "__main__":
    main()
