"""The embedded snapshot: Parquet tables and a manifest shipped inside the package."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from marketscout.errors import StoreError
from marketscout.provenance import Provenance
from marketscout.store import Store

MANIFEST = "manifest.json"


def snapshot_dir() -> Path:
    return Path(str(resources.files("marketscout.snapshot")))


def read_manifest(folder: Path | None = None) -> dict[str, Any]:
    path = (folder or snapshot_dir()) / MANIFEST
    if not path.exists():
        raise StoreError(
            "The embedded snapshot is missing.",
            where=str(path),
            fix="Run `marketscout snapshot build --raw ../shared/data` or reinstall marketscout.",
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_snapshot(store: Store, folder: Path | None = None,
                  step: Callable[[int, int, str], None] | None = None) -> None:
    """Load every source of the snapshot into the store, one transaction per source;
    `step(done, total, source_id)` is told before each source (for a progress display)."""
    folder = folder or snapshot_dir()
    manifest = read_manifest(folder)
    sources = manifest["sources"]
    ids = [entry["provenance"]["source_id"] for entry in sources]
    loads = (({name: folder / file for name, file in entry["tables"].items()},
              Provenance.from_dict(entry["provenance"])) for entry in sources)
    store.load_all(loads, step=None if step is None else
                   lambda source_id: step(ids.index(source_id), len(ids), source_id))
    if step is not None:
        step(len(sources), len(sources), "")
    store.set_meta("snapshot_built", str(manifest.get("built", "")))
