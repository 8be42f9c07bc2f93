"""Benchmark: re-ranking in the web app after a weight change (server side, with the Monte Carlo
runs the overview shows).

Run: .venv/bin/python bench/bench_web_rerank.py [--requests 40] [--runs 1000] [--server]

On a fresh copy of the embedded snapshot, it times GET /api/priority for `--requests` weight
vectors, each new (so no list comes from the cache; only the criteria do), and prints p50 and
p95. In-process through FastAPI's TestClient by default; with `--server`, over HTTP against
uvicorn on 127.0.0.1. As a baseline, in the same process, it times what the app would do
without its criteria cache: compute the seven criteria from the store, then the list.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

from marketscout import criteria, priority
from marketscout.settings import Settings
from marketscout.store import open_store
from marketscout.web.app import create_app

Get = Callable[[str], dict]  # type: ignore[type-arg]


def weight_sets(n: int, seed: int = 1) -> list[str]:
    """`n` distinct weight vectors for innovation and horizon, as the overview's controls."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.2, 3.0, size=(n, 2)).round(2)
    return [f"innovation={a:g},horizon={b:g}" for a, b in values]


def quantiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds (inclusive method: fine for a few dozen samples)."""
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return statistics.median(times) * 1000, cuts[18] * 1000


@contextmanager
def in_process(settings: Settings) -> Iterator[Get]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    with TestClient(create_app(settings)) as client:
        def get(url: str) -> dict:  # type: ignore[type-arg]
            response = client.get(url)
            response.raise_for_status()
            return dict(response.json())

        yield get


@contextmanager
def over_http(settings: Settings) -> Iterator[Get]:
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)

    def get(url: str) -> dict:  # type: ignore[type-arg]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=120) as answer:
            return dict(json.load(answer))

    try:
        yield get
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def time_requests(get: Get, runs: int, weights: list[str]) -> list[float]:
    times = []
    for w in weights:
        start = time.perf_counter()
        doc = get("/api/priority?" + urlencode({"runs": runs, "weights": w}))
        times.append(time.perf_counter() - start)
        assert doc["method"]["uncertainty"]["runs"] == runs
    return times


def time_uncached(db: Path, runs: int, weights: list[str]) -> list[float]:
    """The baseline: every weight change recomputes the criteria from the store."""
    times = []
    for w in weights:
        start = time.perf_counter()
        with open_store(db) as store:
            found = criteria.compute_all(store, "LTU")
        options = priority.Options(runs=runs, weights=priority.parse_weights(w))
        priority.build_priority_list("LTU", found, options)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--baseline-requests", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1000, help="as the overview (default)")
    parser.add_argument("--server", action="store_true", help="uvicorn on 127.0.0.1")
    args = parser.parse_args()
    weights = weight_sets(args.requests + args.baseline_requests + 1)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp), cache_dir=Path(tmp) / "cache")
        with open_store(settings.db_path):  # the store from the snapshot, not timed
            pass
        client = over_http if args.server else in_process
        with client(settings) as get:
            start = time.perf_counter()
            get("/api/priority?" + urlencode({"runs": args.runs, "weights": weights[0]}))
            first = time.perf_counter() - start
            cached = time_requests(get, args.runs, weights[1 : args.requests + 1])
            # the last five again: their lists are still in the cache (32 kept)
            repeat = time_requests(get, args.runs, weights[args.requests - 4 : args.requests + 1])
        baseline = time_uncached(settings.db_path, args.runs, weights[args.requests + 1 :])

    p50, p95 = quantiles(cached)
    b50, b95 = quantiles(baseline)
    where = "uvicorn on 127.0.0.1" if args.server else "in-process TestClient"
    print(f"GET /api/priority after a weight change ({where}, {args.runs} Monte Carlo runs, "
          f"{len(cached)} requests)")
    print(f"first request (criteria computed, cold): {first * 1000:8.0f} ms")
    print(f"weight change, p50:                      {p50:8.0f} ms")
    print(f"weight change, p95:                      {p95:8.0f} ms")
    print(f"same weights again (list cached), p50:   {statistics.median(repeat) * 1000:8.1f} ms")
    print(f"baseline without the criteria cache ({len(baseline)} changes, no HTTP): "
          f"p50 {b50:.0f} ms, p95 {b95:.0f} ms")
    print(f"speed-up of the cache at p50: {b50 / p50:.1f}x, at p95: {b95 / p95:.1f}x")


if __name__ == "__main__":
    main()
