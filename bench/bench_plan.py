"""Benchmark of the proposal's exact apportionment (HiGHS) against the textbook greedy
highest-averages procedure measured in the same run (the baseline).

    python bench/bench_plan.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from marketscout.plan.apportion import Problem, greedy, solve


def best_of(fn: Callable[[Problem], np.ndarray], problem: Problem, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(problem)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(1)
    solve(Problem(np.ones(2), 1, np.zeros(2, int), np.ones(2, int)))  # HiGHS warm-up
    print(f"{'markets':>8} {'units':>6} {'HiGHS ms':>9} {'greedy ms':>10} {'ratio':>6}")
    for markets, units in ((32, 20), (32, 100), (200, 1000)):
        w = rng.uniform(1, 100, markets)
        lower = (rng.random(markets) < 0.3).astype(int)
        p = Problem(w, units, lower, np.full(markets, max(3, units // 10)))
        exact, base = best_of(solve, p), best_of(greedy, p)
        assert (solve(p) == greedy(p)).all()
        print(f"{markets:>8} {units:>6} {exact * 1e3:>9.2f} {base * 1e3:>10.2f} "
              f"{exact / base:>6.1f}")


if __name__ == "__main__":
    main()
