"""Benchmark: whole-process start-up and the main job, against importing the numerical stack.

Run: .venv/bin/python bench/bench_startup.py [--repeat 5]

Each command runs as a fresh `python -m marketscout ...` process (the median of --repeat runs)
in an isolated MARKETSCOUT_HOME whose store is built once beforehand (a warm store). The
baseline, measured in the same run, is `python -c "import pandas, numpy, duckdb"`. Each ratio
is printed with its target from issue 16. Also times `index uncertainty` on COINr's ASEM
example (1,000 runs with weight noise) against COINr 1.1.14's 31.5 s per 1,000 runs.

The processes run with compiled bytecode, as an installed package has (pip writes .pyc files
on install): PYTHONDONTWRITEBYTECODE is dropped and PYTHONPYCACHEPREFIX points to a folder in
the temporary home, filled by a warm-up run of each command. With --no-bytecode every module of
the source tree is compiled again in every process (about 0.2 s more for `rank`).
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
ASEM = ROOT.parent / "shared" / "data" / "index"
COINR_SECONDS = 31.5  # COINr 1.1.14 get_sensitivity, 1,000 runs, this machine kind

CASES: list[tuple[str, list[str], float]] = [
    ("marketscout --help", ["--help"], 0.3),
    ("marketscout rank --help", ["rank", "--help"], 0.3),
    ("marketscout rank --top abc (argument error)", ["rank", "--top", "abc"], 0.3),
    ("marketscout rank --home LTU (warm store)", ["rank", "--home", "LTU"], 1.5),
]


def whole_process(argv: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall time of running argv as a fresh process, `repeat` times."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-bytecode", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as set (compile in every process)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MARKETSCOUT_HOME": tmp, "MARKETSCOUT_CACHE": f"{tmp}/cache",
               "PYTHONPATH": os.pathsep.join(
                   [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
        if not args.no_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
        cli = [sys.executable, "-m", "marketscout"]
        subprocess.run([*cli, "rank", "--home", "LTU"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # build the store
        for _, words, _ in CASES:  # warm-up: bytecode written, caches filled
            whole_process([*cli, *words], env, 1)
        whole_process([sys.executable, "-c", "import pandas, numpy, duckdb"], env, 1)
        print("bytecode: " + ("compiled in every process (--no-bytecode)" if args.no_bytecode
                              else "compiled once, as an installed package"))
        base = whole_process([sys.executable, "-c", "import pandas, numpy, duckdb"], env,
                             args.repeat)
        print(f"baseline: python -c 'import pandas, numpy, duckdb': {base:.3f} s "
              f"(median of {args.repeat})")
        for label, words, target in CASES:
            seconds = whole_process([*cli, *words], env, args.repeat)
            ratio = seconds / base
            verdict = "meets" if ratio <= target else "MISSES"
            print(f"{label}: {seconds:.3f} s = {ratio:.2f}x baseline "
                  f"(target <= {target}x: {verdict})")
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
