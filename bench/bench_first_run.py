"""Benchmark: the first run on a fresh home against a warm `rank` (issue 16 target: <= 2x).

Run: .venv/bin/python bench/bench_first_run.py [--repeat 3]

Each measurement is a whole process, `python -m marketscout rank --home LTU` with its output
discarded, timed from start to exit:

* first run: MARKETSCOUT_HOME is a fresh, empty folder, so the store is built from the
  embedded snapshot before the list is computed;
* warm: the same command again on the home the first run made.

Both with compiled bytecode (bench/process_env.py), written by one warm-up run.

The best of `--repeat` runs of each is reported, and their ratio (the target is at most 2x).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from process_env import process_env


def timed(home: Path, pycache: Path) -> float:
    env = process_env(home, pycache)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "marketscout", "rank", "--home", "LTU"],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"rank failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    first, warm = [], []
    with tempfile.TemporaryDirectory() as code:
        pycache = Path(code)  # bytecode kept across the runs, as an installed package has it
        timed(Path(code) / "warm-up", pycache)
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                home = Path(tmp) / "home"
                first.append(timed(home, pycache))
                warm.append(timed(home, pycache))
    best_first, best_warm = min(first), min(warm)
    print(f"first run (fresh home, store built from the snapshot): {best_first:6.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in first)})")
    print(f"warm `rank --home LTU`:                                {best_warm:6.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in warm)})")
    ratio = best_first / best_warm
    print(f"ratio first / warm: {ratio:.2f}x (target <= 2x: {'met' if ratio <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
