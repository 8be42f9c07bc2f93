"""Benchmark: survey answers arriving at once, over HTTP against uvicorn on 127.0.0.1.

Run: .venv/bin/python bench/bench_survey.py [--answers 50]

On a fresh empty store it invites `--answers` associations, then sends every answer at the
same moment from as many threads (PUT /api/survey/{token}), and prints the wall time, the p50
and p95 latency and the answers stored. As a baseline, in the same process, it sends the same
number of answers one after another (a fresh set of associations), so the ratio shows what
serialising writes (Store.write's lock) costs under concurrency.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from marketscout import survey
from marketscout.settings import Settings
from marketscout.store import Store
from marketscout.web.app import create_app


def invite_many(db: Path, round_id: int, n: int, prefix: str) -> list[str]:
    with Store(db) as store:
        for i in range(n):
            survey.add_association(store, f"{prefix} {i:03d}")
        return [survey.invite(store, round_id, f"{prefix} {i:03d}") for i in range(n)]


def send(http: httpx.Client, token: str, latencies: list[float]) -> None:
    start = time.perf_counter()
    answer = http.put(f"/api/survey/{token}", json={"markets": ["DEU", "POL", "USA"]})
    latencies.append(time.perf_counter() - start)
    answer.raise_for_status()


def concurrent(http: httpx.Client, tokens: list[str]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    barrier = threading.Barrier(len(tokens))

    def one(token: str) -> None:
        barrier.wait()
        send(http, token, latencies)

    threads = [threading.Thread(target=one, args=(t,)) for t in tokens]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies


def sequential(http: httpx.Client, tokens: list[str]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    start = time.perf_counter()
    for token in tokens:
        send(http, token, latencies)
    return time.perf_counter() - start, latencies


def report(label: str, wall: float, latencies: list[float]) -> None:
    cuts = statistics.quantiles(latencies, n=20)
    print(f"{label:<11} wall {wall:6.2f} s   p50 {statistics.median(latencies) * 1000:7.0f} ms"
          f"   p95 {cuts[18] * 1000:7.0f} ms   ({len(latencies)} answers)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--answers", type=int, default=50)
    n = parser.parse_args(argv).answers
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "marketscout.duckdb"
        with Store(db) as store:
            round_id = survey.create_round(store, "Bench", "2099-12-31", 3).round_id
        together = invite_many(db, round_id, n, "Together")
        one_by_one = invite_many(db, round_id, n, "Sequential")
        app = create_app(Settings(home=Path(folder), cache_dir=Path(folder) / "cache"))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with httpx.Client(base_url=base, timeout=300) as http:
            report("sequential", *sequential(http, one_by_one))
            wall, latencies = concurrent(http, together)
            report("concurrent", wall, latencies)
        server.should_exit = True
        thread.join(timeout=10)
        with Store(db, read_only=True) as store:
            stored = survey.results(store, round_id).answered
        print(f"stored {stored} of {2 * n} answers")
        if stored != 2 * n:
            sys.exit(1)


if __name__ == "__main__":
    main()
