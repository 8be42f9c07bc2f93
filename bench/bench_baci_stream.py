"""Benchmark: BACI year streamed from its zip to Parquet, against reading it whole.

Run: .venv/bin/python bench/bench_baci_stream.py [--rows 1000000,2000000,4000000]

For each size, a seeded synthetic BACI archive in CEPII's layout (real BACI country and product
codes from the embedded snapshot; drawn flows, values and quantities) is written to a temporary
folder. Two ways to turn its year into Parquet then run, each in a fresh child process so that
its peak resident memory (ru_maxrss) is its own:

* streaming: `baci_bulk.write_years` (zip member stream -> PyArrow CSV blocks -> ParquetWriter);
* baseline: extract the member and read it whole with `baci.parse_trade`, then write Parquet
  (what a reader without the streaming path does).

The streaming path's peak memory should stay flat as the year grows; the baseline's grows with
it. A child that only imports the same modules gives the interpreter's own footprint.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

RELEASE = "V202301"
YEAR = 2021


def synthetic_archive(path: Path, rows: int, seed: int = 7) -> None:
    """A BACI zip: one year of `rows` distinct flows, plus the code tables, streamed to disk."""
    snapshot = resources.files("marketscout") / "snapshot"
    countries = pd.read_parquet(str(snapshot / "baci_country_codes__baci_country.parquet"))
    products = pd.read_parquet(str(snapshot / "baci_product_codes__baci_product.parquet"))
    codes = np.array([c for c in countries.dropna(subset=["iso3"])["code"] if _current(c)])
    hs6 = products["code"].astype(int).to_numpy()
    rng = np.random.default_rng(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        table = countries.rename(columns={"code": "country_code",
                                          "name": "country_name_abbreviation",
                                          "iso3": "iso_3digit_alpha"})
        archive.writestr(f"country_codes_{RELEASE}.csv", table.to_csv(index=False))
        archive.writestr(f"product_codes_HS92_{RELEASE}.csv", products.to_csv(index=False))
        member = f"BACI_HS92_Y{YEAR}_{RELEASE}.csv"
        with archive.open(member, "w", force_zip64=True) as fh:
            fh.write(b'"t","i","j","k","v","q"\n')
            for start in range(0, rows, 500_000):
                fh.write(_chunk(rng, codes, hs6, start, min(rows, start + 500_000)))


def _current(code: int) -> bool:
    """A code the crosswalk knows (the baseline maps codes with it; former states have none)."""
    from marketscout import countries
    from marketscout.errors import UnknownCountryError

    try:
        countries.from_baci(int(code))
    except UnknownCountryError:
        return False
    return True


def _chunk(rng: np.random.Generator, codes: np.ndarray, hs6: np.ndarray, start: int,
           stop: int) -> bytes:
    """Rows start..stop: distinct (i, j, k) by construction (row number spread over them)."""
    n = stop - start
    index = np.arange(start, stop)
    frame = pd.DataFrame({
        "t": YEAR,
        "i": codes[index % len(codes)],
        "j": codes[(index // len(codes) + 1 + index) % len(codes)],
        "k": hs6[(index // (len(codes) ** 2)) % len(hs6)],
        "v": np.round(rng.lognormal(2.0, 2.0, n), 3),
        "q": np.char.rjust(np.round(rng.lognormal(0.0, 2.0, n), 3).astype(str), 13),
    })
    return frame.to_csv(index=False, header=False).encode()


def child(mode: str, archive: Path, out: Path) -> dict[str, float]:
    """One measured run (in a fresh process): wall and CPU seconds, peak RSS in MiB."""
    from marketscout.sources.baci import bulk as baci_bulk
    from marketscout.sources.baci import flows as baci

    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    if mode == "stream":
        opened = baci_bulk.open_archive(archive)
        table, _ = baci_bulk.parse_code_tables(opened)
        lookup, names = baci_bulk.country_lookup(table.tables["baci_country"])
        done = baci_bulk.write_years(opened, [YEAR], out, lookup, names,
                                     baci_bulk.trade_base(opened))
        rows = done[0].provenance.rows
    elif mode == "whole":
        import pyarrow as pa
        import pyarrow.parquet as pq

        with zipfile.ZipFile(archive) as zf:
            member = f"BACI_HS92_Y{YEAR}_{RELEASE}.csv"
            zf.extract(member, out)
        flows = baci.parse_trade(out / member).tables["trade_flow"]
        pq.write_table(pa.Table.from_pandas(flows, preserve_index=False), out / "whole.parquet")
        rows = len(flows)
    else:  # "idle": the imports only
        rows = 0
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu_before,
            "peak_mib": usage.ru_maxrss / 1024, "rows": rows}  # ru_maxrss: KiB on Linux


def measure(mode: str, archive: Path, out: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(archive), str(out)],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the {mode} run failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000000,2000000,4000000",
                        help="comma-separated year sizes (rows)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "ARCHIVE", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, archive, out = args.child
        print(json.dumps(child(mode, Path(archive), Path(out))))
        return
    sizes = [int(s) for s in args.rows.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-baci-") as folder:
        base = Path(folder)
        idle = measure("idle", base, base)
        print(f"interpreter + imports: {idle['peak_mib']:.0f} MiB peak RSS")
        print("wall and CPU seconds; peak resident memory (MiB) of the whole child process")
        print(f"{'rows':>10} {'zip MB':>7} {'stream s':>9} {'cpu':>6} {'MiB':>5} "
              f"{'whole s':>8} {'cpu':>6} {'MiB':>5} {'memory whole/stream':>20}")
        for rows in sizes:
            archive = base / f"BACI_HS92_{RELEASE}_{rows}.zip"
            synthetic_archive(archive, rows)
            stream = measure("stream", archive, base / f"stream_{rows}")
            whole = measure("whole", archive, base / f"whole_{rows}")
            assert stream["rows"] == whole["rows"] == rows, (stream, whole)
            print(f"{rows:>10,} {archive.stat().st_size / 1e6:>7.1f} "
                  f"{stream['seconds']:>9.1f} {stream['cpu']:>6.1f} {stream['peak_mib']:>5.0f} "
                  f"{whole['seconds']:>8.1f} {whole['cpu']:>6.1f} {whole['peak_mib']:>5.0f} "
                  f"{whole['peak_mib'] / stream['peak_mib']:>20.2f}")
            archive.unlink()


if __name__ == "__main__":
    main()
