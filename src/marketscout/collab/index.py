"""Build the partner finder's search index ahead of queries (`marketscout collab index`)."""

from __future__ import annotations

import time

from marketscout.collab import lexical, semantic
from marketscout.collab.corpus import Corpus, corpus
from marketscout.collab.partners import choose_method
from marketscout.store import Store


def build_search_index(store: Store, method: str = "auto",
                       progress: semantic.Progress | None = None) -> list[str]:
    """BM25 tables always (they are cheap); every project's embedding when the model is
    installed (auto) or asked for (semantic). Returns one line per index built."""
    found = corpus(store)
    lines = []
    if method in ("auto", "lexical"):
        seconds = lexical.build(store, found)
        terms = int(store.query("SELECT count(*) AS n FROM partner_term")["n"].iloc[0])
        lines.append(f"BM25 index: {found.projects_with_text:,} projects, {terms:,} postings, "
                     f"{seconds:.1f} s.")
    if method != "lexical" and choose_method(method) == "semantic":
        start = time.perf_counter()
        semantic.prune(store)
        done = semantic.ensure(store, None, progress)
        seconds = time.perf_counter() - start
        record(store, semantic.model_name(), found, seconds)
        lines.append(f"Embeddings ({semantic.model_name()}): {done:,} projects embedded now, "
                     f"{found.projects_with_text:,} cached, {seconds:.1f} s.")
    elif method == "auto":
        lines.append("Embeddings: skipped, the model is not installed. " + semantic.INSTALL)
    return lines


def record(store: Store, kind: str, found: Corpus, seconds: float) -> None:
    """Note that the `kind` index (a model name) now covers every text of `found`: queries
    then skip the per-project freshness check."""
    store.write([("DELETE FROM partner_index WHERE kind = ?", [kind]),
                 ("INSERT INTO partner_index VALUES (?, ?, ?, ?, current_timestamp, NULL)",
                  [kind, found.projects_with_text, found.fingerprint, seconds])])
