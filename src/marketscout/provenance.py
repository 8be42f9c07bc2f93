"""Provenance: where every stored row came from (after owid/etl's `Origin`)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Provenance:
    """One load of one source: who published it, where it came from, what it covers."""

    source_id: str
    title: str
    publisher: str
    url: str
    licence: str
    edition: str
    retrieved: str = field(default_factory=lambda: date.today().isoformat())
    republisher: str = ""
    sha256: str = ""
    rows: int = 0
    countries: int = 0
    years: str = ""
    partial: bool = False  # a press reprint or extract, not the publisher's full table
    note: str = ""
    # Bilateral tables (exports, FDI): the file lists every partner with a non-zero value, so an
    # absent partner is a true zero (BACI for one exporter; `data import ... --complete`).
    complete: bool = False
    # A sample of the publisher's table (e.g. its first 100 rows): shown where it is useful
    # (the partner finder's texts) but never counted towards a criterion (NOT_A_SAMPLE).
    sample: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def cite(self) -> str:
        """A one-line citation for tables and reports."""
        extra = " (sample)" if self.sample else " (partial)" if self.partial else ""
        return f"{self.publisher}, {self.title}, {self.edition}{extra}"


# The one rule on samples (docs/methodology.md, "Samples"): a load whose provenance says
# `sample` never counts towards a criterion or a count. SQL over a table with source_id.
NOT_A_SAMPLE = ("source_id NOT IN (SELECT source_id FROM provenance "
                "WHERE coalesce(sample, false))")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
