"""Benchmark: the downloader's overhead against a bare httpx stream, on a local server.

Run: .venv/bin/python bench/bench_download.py [--mb 64] [--repeat 3]

A file of `--mb` megabytes (and a zip holding it, stored without compression so both are the
same size) is served by the tests' local HTTP server on 127.0.0.1. Each way of fetching it runs
`--repeat` times in this process; the best time is reported with its ratio to the baseline:

* baseline: `httpx.Client.stream` written straight to a file (no checks, no move);
* download: `_download.download` (temp file, size check, atomic move), no progress bar;
* download + sha256: the same with the file's sha256 given;
* download zip: a .zip, so every member's CRC is checked before the move;
* resumed: the connection is reset half-way and the rest is fetched with a Range request.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from marketscout.settings import Settings
from marketscout.sources._download import download
from sources.http_server import Fault, LocalServer


def body(megabytes: int) -> bytes:
    """Pseudo-random bytes (a repeated 1 MB block of sha256 output)."""
    block = bytearray()
    seed = b"bench"
    while len(block) < 1 << 20:
        seed = hashlib.sha256(seed).digest()
        block += seed
    return bytes(block[: 1 << 20]) * megabytes


def best(repeat: int, run: Callable[[int], None]) -> float:
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = body(args.mb)
    with tempfile.TemporaryDirectory() as folder, LocalServer(Path(folder) / "www",
                                                              max_seconds=600) as server:
        root = Path(folder)
        url = server.put("data.bin", data)
        archive = server.root / "data.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("data.bin", data)
        zip_url = f"{server.url}/data.zip"
        sha = hashlib.sha256(data).hexdigest()
        settings = Settings(home=root / "home", cache_dir=root / "cache")

        def baseline(i: int) -> None:
            with httpx.Client() as client, client.stream("GET", url) as response, \
                    (root / f"plain{i}.bin").open("wb") as fh:
                for chunk in response.iter_raw():
                    fh.write(chunk)

        def plain(i: int) -> None:
            download(url, f"a{i}.bin", settings=settings, progress=False)

        def checked(i: int) -> None:
            download(url, f"b{i}.bin", settings=settings, progress=False, sha256=sha)

        def zipped(i: int) -> None:
            download(zip_url, f"c{i}.zip", settings=settings, progress=False)

        def resumed(i: int) -> None:
            server.fault("data.bin", Fault.RESET, at=len(data) // 2)
            download(url, f"d{i}.bin", settings=settings, progress=False, backoff=0.0)

        runs = {"baseline (httpx stream)": baseline, "download": plain,
                "download + sha256": checked, "download zip (CRC check)": zipped,
                "resumed after a reset": resumed}
        results = {name: best(args.repeat, run) for name, run in runs.items()}
    base = results["baseline (httpx stream)"]
    print(f"{args.mb} MB on 127.0.0.1, best of {args.repeat}")
    for name, seconds in results.items():
        print(f"{name:28s} {seconds:7.3f} s  {args.mb / seconds:8.1f} MB/s  "
              f"x{seconds / base:5.2f}")


if __name__ == "__main__":
    main()
