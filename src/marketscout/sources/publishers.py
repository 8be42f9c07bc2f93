"""The publishers' declarative facts (`publishers.toml`): one table that code reads.

Each `[source.ID]` entry describes a source of `marketscout data update`; each
`[provenance.ID]` entry is the origin every load with that source id records. Licences that
several entries share are named once under `[licence]`.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from functools import cache
from importlib import resources
from typing import Any

from marketscout.errors import MarketscoutError
from marketscout.provenance import Provenance

FILE = "publishers.toml"


@cache
def _table() -> dict[str, Any]:
    text = resources.files("marketscout.sources").joinpath(FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


def licence(text: str) -> str:
    """A licence by its key in `[licence]`, or the text itself."""
    return str(_table()["licence"].get(text, text))


def _entry(kind: str, key: str) -> dict[str, Any]:
    found = _table().get(kind, {}).get(key)
    if found is None:
        raise MarketscoutError(f"No [{kind}.{key}] entry in {FILE}.",
                               where=f"marketscout/sources/{FILE}",
                               fix="This is a bug; please report it.")
    return dict(found) | {"licence": licence(str(found.get("licence", "")))}


def source_ids() -> list[str]:
    """The ids of `[source.*]` entries, in the file's order (the summary table's order)."""
    return list(_table().get("source", {}))


def source_facts(source_id: str) -> dict[str, Any]:
    """name, publisher, url, licence, note and flags of one `data update` source."""
    return _entry("source", source_id)


def provenance(source_id: str, *, entry: str | None = None, **changes: Any) -> Provenance:
    """The provenance template of a load: `[provenance.<entry or source_id>]`, with
    `source_id` and any field in `changes` set."""
    known = {f.name for f in fields(Provenance)}
    data = {k: v for k, v in _entry("provenance", entry or source_id).items() if k in known}
    base = Provenance(source_id=source_id, **data)
    return replace(base, **changes) if changes else base
