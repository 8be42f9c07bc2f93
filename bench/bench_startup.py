"""Benchmark: whole-process start-up and the main job, against importing the numerical stack.

Run: .venv/bin/python bench/bench_startup.py [--repeat 5]

Each command runs as a fresh `python -m marketscout ...` process (the median of --repeat runs)
in an isolated MARKETSCOUT_HOME whose store is built once beforehand (a warm store). The
baseline, measured in the same run, is `python -c "import pandas, numpy, duckdb"`; each
command's runs alternate with baseline runs, so that a load on the machine weighs on both.
Each ratio is printed with its target from issue 16, for wall time and for CPU time (user +
system of the child process: steadier on a shared machine). `rank` is measured twice: with
the criteria kept from the previous run (the warm case of the target: the same data, any
options) and with them computed again (the first `rank` after a data change: the criteria
cache folder emptied before each run). Also times `index uncertainty` on COINr's ASEM example
(1,000 runs with weight noise) against COINr 1.1.14's 31.5 s per 1,000 runs.

The processes run with compiled bytecode, as an installed package has (pip writes .pyc files
on install): PYTHONDONTWRITEBYTECODE is dropped and PYTHONPYCACHEPREFIX points to a folder in
the temporary home, filled by a warm-up run of each command. With --no-bytecode every module of
the source tree is compiled again in every process (about 0.2 s more for `rank`).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from process_env import process_env

ROOT = Path(__file__).resolve().parents[1]
ASEM = ROOT.parent / "shared" / "data" / "index"
COINR_SECONDS = 31.5  # COINr 1.1.14 get_sensitivity, 1,000 runs, this machine kind

CASES: list[tuple[str, list[str], float, bool]] = [  # label, words, target, drop criteria
    ("marketscout --help", ["--help"], 0.3, False),
    ("marketscout rank --help", ["rank", "--help"], 0.3, False),
    ("marketscout rank --top abc (argument error)", ["rank", "--top", "abc"], 0.3, False),
    ("marketscout rank --home LTU (warm store)", ["rank", "--home", "LTU"], 1.5, False),
    ("marketscout rank --home LTU (warm store, criteria computed again)",
     ["rank", "--home", "LTU"], 0.0, True),
]
BASELINE = [sys.executable, "-c", "import pandas, numpy, duckdb"]


def one_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of running argv as a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def whole_process(argv: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall time of running argv as a fresh process, `repeat` times."""
    return statistics.median(one_run(argv, env)[0] for _ in range(repeat))


def against_baseline(argv: list[str], env: dict[str, str], repeat: int,
                     before: Path | None = None) -> tuple[float, float, float, float]:
    """Median wall and CPU of argv and of the baseline, the two alternating; `before` is a
    folder removed before each run of argv."""
    runs: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    for _ in range(repeat):
        base.append(one_run(BASELINE, env))
        if before is not None:
            shutil.rmtree(before, ignore_errors=True)
        runs.append(one_run(argv, env))
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            statistics.median(b[0] for b in base), statistics.median(b[1] for b in base))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-bytecode", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as set (compile in every process)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = process_env(tmp, None if args.no_bytecode else f"{tmp}/pycache",
                          f"{tmp}/cache")
        cli = [sys.executable, "-m", "marketscout"]
        subprocess.run([*cli, "rank", "--home", "LTU"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # build the store
        for _, words, _, _ in CASES:  # warm-up: bytecode written, caches filled
            whole_process([*cli, *words], env, 1)
        whole_process(BASELINE, env, 1)
        print("bytecode: " + ("compiled in every process (--no-bytecode)" if args.no_bytecode
                              else "compiled once, as an installed package"))
        print(f"baseline: python -c 'import pandas, numpy, duckdb', run before each command "
              f"(median of {args.repeat})")
        for label, words, target, drop in CASES:
            wall, cpu, base, base_cpu = against_baseline(
                [*cli, *words], env, args.repeat, Path(tmp, "cache", "criteria") if drop else None)
            verdict = ("no target" if not target
                       else "meets" if wall / base <= target else "MISSES")
            print(f"{label}: {wall:.3f} s = {wall / base:.2f}x baseline {base:.3f} s; "
                  f"CPU {cpu:.3f} s = {cpu / base_cpu:.2f}x {base_cpu:.3f} s "
                  f"(target <= {target}x: {verdict})" if target else
                  f"{label}: {wall:.3f} s = {wall / base:.2f}x baseline {base:.3f} s; "
                  f"CPU {cpu:.3f} s = {cpu / base_cpu:.2f}x {base_cpu:.3f} s")
        if (ASEM / "asem_idata.csv").is_file():
            words = ["index", "uncertainty", "--data", str(ASEM / "asem_idata.csv"),
                     "--meta", str(ASEM / "asem_imeta.csv"), "--runs", "1000",
                     "--output", f"{tmp}/ranks.csv"]
            whole_process([*cli, *words], env, 1)  # warm-up
            seconds = whole_process([*cli, *words], env, args.repeat)
            verdict = "meets" if seconds <= 1.05 else "MISSES"
            print(f"index uncertainty, ASEM, 1,000 runs, whole process: {seconds:.3f} s = "
                  f"{COINR_SECONDS / seconds:.1f}x faster than COINr's {COINR_SECONDS} s "
                  f"(target <= 1.05 s, 30x: {verdict})")


if __name__ == "__main__":
    main()
