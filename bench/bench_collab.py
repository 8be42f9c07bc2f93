"""Benchmark: collaboration analytics and the partner finder on a CORDIS-sized corpus.

Run: .venv/bin/python bench/bench_collab.py [--projects 50000] [--participations 200000]
     [--queries 40] [--embed 256 | --embed-all]

A seeded synthetic corpus (marketscout.collab.synthetic: projects with ~180-word objectives,
organisations with names and cities, participations with a realistic country mix) is loaded
into a temporary store. Measured, each against a baseline run in the same process:

* `collab pairs` for one home: SQL over the store vs a pandas groupby on the same rows;
* building the BM25 index (time, peak memory) and a partner query on it (p50/p95), vs
  scoring every text of the market with a plain Python BM25 at query time (no index);
* with the embedding model installed: model load, embedding throughput (on `--embed`
  projects, extrapolated to the corpus; `--embed-all` embeds everything), and the semantic
  query p95 on a full 50,000-row embedding table. Rows not embedded for real are filled with
  random unit vectors: the query's cost does not depend on the values, its ranking does.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from marketscout.collab import find_partners, lexical, pairs, semantic
from marketscout.collab.corpus import corpus
from marketscout.collab.index import record
from marketscout.collab.synthetic import SOURCE, Spec, generate
from marketscout.store import Store

MARKETS = ["ISR", "DEU", "ITA", "USA", "ESP", "NOR", "CHN", "FIN"]
TOPICS = ["hydrogen storage", "solid-state batteries recycling", "offshore wind turbine",
          "machine learning for cancer diagnosis", "quantum sensors", "drinking water",
          "cultural heritage museums", "satellite earth observation"]


def rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process (MB), from /proc."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text()
                  .splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


CPU: list[float] = []  # CPU seconds of the last `timed` calls (all threads of the process)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 wall seconds of `runs` calls (after one warm-up call). The CPU seconds of
    each call go to CPU: on a busy shared machine they estimate the idle-machine latency."""
    fn()
    times = []
    CPU.clear()
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def cpu_note() -> str:
    return (f"CPU time p50 {np.percentile(CPU, 50) * 1000:.0f} ms, "
            f"p95 {np.percentile(CPU, 95) * 1000:.0f} ms")


def pandas_pairs(frame: pd.DataFrame, home: str) -> pd.Series:
    """Baseline: joint projects per partner with a pandas groupby."""
    projects = set(frame.loc[frame["iso3"] == home, "project_id"])
    joint = frame[frame["project_id"].isin(projects) & (frame["iso3"] != home)]
    return joint.groupby("iso3")["project_id"].nunique()


def naive_bm25(texts: pd.Series, topic: str) -> pd.Series:
    """Baseline: BM25 of the topic over the given texts, tokenised at query time."""
    words = [re.findall(r"[a-z0-9]+", t.lower()) for t in texts]
    query = set(re.findall(r"[a-z0-9]+", topic.lower()))
    df = Counter(w for doc in words for w in set(doc) & query)
    avgdl = sum(map(len, words)) / max(len(words), 1)
    n = len(words)
    scores = []
    for doc in words:
        counts = Counter(doc)
        scores.append(sum(math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) * counts[t] * 2.2
                          / (counts[t] + 1.2 * (0.25 + 0.75 * len(doc) / avgdl))
                          for t in query if counts[t]))
    return pd.Series(scores, index=texts.index)


def bench_pairs(store: Store, tables: dict[str, pd.DataFrame], runs: int) -> None:
    frame = tables["horizon_participation"]
    for home in ("LTU", "DEU"):
        p50, p95 = timed(lambda h=home: pairs(store, h), runs)  # type: ignore[misc]
        cpu = cpu_note()
        b50, _ = timed(lambda h=home: pandas_pairs(frame, h), runs)  # type: ignore[misc]
        print(f"collab pairs --home {home}: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
              f"(target < 1000 ms); pandas groupby of joint projects only: "
              f"{b50 * 1000:.0f} ms (ratio {p50 / b50:.2f}); {cpu}")


def bench_lexical(store: Store, tables: dict[str, pd.DataFrame], runs: int) -> None:
    found = corpus(store)
    before = rss_mb()
    seconds = lexical.build(store, found)
    after = rss_mb()
    postings = int(store.query("SELECT count(*) AS n FROM partner_term")["n"].iloc[0])
    print(f"BM25 index: {found.projects_with_text:,} projects, {postings:,} postings, "
          f"{seconds:.1f} s; RSS {before[0]:.0f} -> {after[0]:.0f} MB, peak {after[1]:.0f} MB")
    queries = [(m, t) for m in MARKETS for t in TOPICS][:runs]
    k = iter(range(10**9))

    def one() -> None:
        market, topic = queries[next(k) % len(queries)]
        find_partners(store, "LTU", market, topic, 20, method="lexical")

    p50, p95 = timed(one, len(queries))
    cpu = cpu_note()
    texts = tables["cordis_project"].set_index("project_id")
    texts = texts["title"] + " " + texts["objective"]
    part = tables["horizon_participation"]
    isr = texts[texts.index.isin(part.loc[part["iso3"] == "ISR", "project_id"])]
    b50, _ = timed(lambda: naive_bm25(isr, "hydrogen storage"), 3)
    print(f"partner query, lexical ({len(queries)} market x topic queries): p50 "
          f"{p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms (target < 300 ms); no-index Python "
          f"BM25 over ISR's {len(isr):,} texts: {b50 * 1000:.0f} ms (ratio {p50 / b50:.2f}); "
          f"{cpu}")


def bench_semantic(store: Store, embed: int | None, runs: int) -> None:
    start = time.perf_counter()
    semantic.encode(["warm-up"])
    print(f"model load ({semantic.model_name()}): {time.perf_counter() - start:.1f} s")
    ids = store.query("SELECT project_id FROM cordis_project ORDER BY project_id")[
        "project_id"].tolist()
    sample = ids if embed is None else ids[:embed]
    before = rss_mb()
    start = time.perf_counter()
    semantic.ensure(store, sample)
    seconds = time.perf_counter() - start
    rate = len(sample) / seconds
    print(f"embeddings: {len(sample):,} projects in {seconds:.1f} s ({rate:.1f} texts/s); "
          f"full corpus of {len(ids):,}: {len(ids) / rate / 60:.0f} min "
          f"{'measured' if embed is None else 'extrapolated'}; RSS {before[0]:.0f} -> "
          f"{rss_mb()[0]:.0f} MB, peak {rss_mb()[1]:.0f} MB")
    rest = ids[len(sample):]
    if rest:
        rng = np.random.default_rng(7)
        vectors = rng.standard_normal((len(rest), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        hashes = store.query(f"WITH {semantic.DOCS_SQL} SELECT project_id, "
                             "hash(project_id, text) AS h FROM docs").set_index(
            "project_id")["h"].reindex(rest).astype("uint64").tolist()
        store.insert("partner_embedding",
                     semantic.vector_rows(rest, semantic.model_name(), hashes, vectors))
        print(f"  ({len(rest):,} random unit vectors stand in for the rest, for timing only)")
    record(store, semantic.model_name(), corpus(store), seconds)
    queries = [(m, t) for m in MARKETS for t in TOPICS][:runs]
    k = iter(range(10**9))

    def one() -> None:
        market, topic = queries[next(k) % len(queries)]
        find_partners(store, "LTU", market, topic, 20, method="semantic")

    p50, p95 = timed(one, len(queries))
    cpu = cpu_note()
    e50, _ = timed(lambda: semantic.encode(["hydrogen storage"]), 10)
    print(f"partner query, semantic ({len(queries)} queries, topic embedding included): p50 "
          f"{p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms (target < 300 ms); of which "
          f"embedding the topic: {e50 * 1000:.0f} ms; {cpu}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--participations", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--embed", type=int, default=256)
    parser.add_argument("--embed-all", action="store_true")
    parser.add_argument("--no-semantic", action="store_true")
    args = parser.parse_args()
    spec = Spec(projects=args.projects, participations=args.participations)
    # the machine's load, since timings on a shared machine depend on it
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    start = time.perf_counter()
    tables = generate(spec)
    print(f"synthetic corpus: {len(tables['cordis_project']):,} projects, "
          f"{len(tables['horizon_participation']):,} participations, "
          f"{len(tables['cordis_organisation']):,} organisations "
          f"({time.perf_counter() - start:.1f} s to generate)")
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.duckdb") as store:
        start = time.perf_counter()
        store.load(tables, SOURCE)
        print(f"loaded into a store in {time.perf_counter() - start:.1f} s")
        bench_pairs(store, tables, 10)
        bench_lexical(store, tables, args.queries)
        if args.no_semantic or not semantic.available():
            print("semantic: skipped (model not installed: pip install 'marketscout[semantic]')")
        else:
            bench_semantic(store, None if args.embed_all else args.embed, args.queries)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
