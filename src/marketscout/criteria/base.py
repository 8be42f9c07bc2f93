"""What every criterion returns: one value per candidate market, with its metadata."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from marketscout.provenance import Provenance
from marketscout.store import Store


@dataclass(frozen=True)
class Criterion:
    """A criterion's values over the candidate markets (NaN = no data), and where they came from."""

    id: str
    name: str
    unit: str
    direction: int
    values: pd.Series
    year: str = ""
    sources: tuple[Provenance, ...] = ()
    how_to_get: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    details: Mapping[str, pd.Series] = field(default_factory=dict)  # secondary values per market

    @property
    def n_candidates(self) -> int:
        return len(self.values)

    @property
    def n_covered(self) -> int:
        return int(self.values.notna().sum())

    @property
    def coverage(self) -> float:
        return self.n_covered / self.n_candidates if self.n_candidates else 0.0

    @property
    def available(self) -> bool:
        return self.n_covered > 0

    @property
    def partial(self) -> bool:
        return any(p.partial for p in self.sources)

    @property
    def source_ids(self) -> str:
        """The store's ids of the sources used, e.g. 'wipo_gii_2019', or 'no data'."""
        return ", ".join(p.source_id for p in self.sources) or "no data"

    @property
    def source(self) -> str:
        """A citation of every source used, or a plain 'no data'."""
        if not self.sources:
            return "no data"
        return "; ".join(p.cite() for p in self.sources)


def empty(
    spec: dict[str, object], candidates: Sequence[str], how_to_get: str, note: str = ""
) -> Criterion:
    """A criterion with no data: every value missing and a plain statement of how to get it."""
    values = pd.Series(float("nan"), index=pd.Index(candidates, name="iso3"), dtype=float)
    return Criterion(
        values=values, how_to_get=how_to_get, notes=(note,) if note else (), **spec  # type: ignore[arg-type]
    )


def on_candidates(values: pd.Series, candidates: Sequence[str]) -> pd.Series:
    """Reindex values (indexed by ISO3) to the candidate list, NaN where absent."""
    out = values.groupby(level=0).first().reindex(pd.Index(candidates, name="iso3"))
    return out.astype(float)


def provenance_of(store: Store, source_ids: Sequence[str]) -> tuple[Provenance, ...]:
    """Provenance records of the sources that fed a criterion."""
    wanted = set(source_ids)
    return tuple(p for p in store.provenance() if p.source_id in wanted)


def source_rank(source_id: str) -> int:
    """Preference when sources overlap: the user's own import, then full data, then partial."""
    if source_id.startswith("user_"):
        return 0
    return 2 if "partial" in source_id else 1
