"""What every criterion returns: one value per candidate market, with its metadata."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from marketscout.errors import InputError
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
    # Where the source reports the market (None: wherever there is a value). Values filled by
    # rule (0 joint projects, 0 Borda points, 0 exports under --complete) are not reported.
    reported: pd.Series | None = None
    label: str = ""  # the edition in a few words for headlines, e.g. 'GII 2022'

    @property
    def reported_mask(self) -> pd.Series:
        """True where the source reports the market (the availability rule counts these)."""
        if self.reported is None:
            return self.values.notna()
        return self.reported.reindex(self.values.index).fillna(False).astype(bool)

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


@dataclass(frozen=True)
class Edition:
    """One edition a criterion could use: a source's year (or year range) and its coverage."""

    source_id: str
    edition: int  # the edition's year (GII edition, IMD year, latest data year)
    covered: int  # candidates with a value
    partial: bool  # a press reprint or extract (provenance), not the publisher's table
    key: str = ""  # what else tells editions apart (e.g. the unit of a bilateral table)

    @property
    def user(self) -> bool:
        return self.source_id.startswith("user_")


def choose_edition(
    editions: Sequence[Edition], n_candidates: int, min_coverage: float,
    pinned: str | None = None, where: str = "--edition",
) -> tuple[Edition, list[str]]:
    """The edition a criterion uses, and notes on the newer ones it passed over.

    The rule (docs/methodology.md, "Which edition"): a pinned edition if the user gave one;
    else editions covering at least `min_coverage` of the candidates come first, then
    complete before partial (press reprints), then the most recent, then the user's own
    import before a publisher's file, then the widest coverage. Editions are never mixed.
    """
    if pinned is not None:
        found = [e for e in editions if str(e.edition) == str(pinned)]
        if not found:
            have = ", ".join(sorted({str(e.edition) for e in editions}))
            raise InputError(f"No edition {pinned} in the store.", where=where,
                             fix=f"Editions held: {have or 'none'}.")
        editions = found

    def passes(e: Edition) -> bool:
        return n_candidates > 0 and e.covered / n_candidates >= min_coverage - 1e-12

    best = sorted(editions, key=lambda e: (not passes(e), e.partial, -e.edition, not e.user,
                                           -e.covered, e.source_id))[0]
    notes = []
    for e in sorted(editions, key=lambda e: -e.edition):
        if e.edition > best.edition and pinned is None:
            kind = "partial (press reprint)" if e.partial else "covers"
            notes.append(
                f"A newer edition, {e.edition} ({e.source_id}), is {kind} {e.covered}/"
                f"{n_candidates} candidates, below the {min_coverage:.0%} coverage threshold "
                f"or less complete, so {best.edition} is used; pin it with --edition "
                "CRITERION=YEAR.")
    return best, notes


def is_partial(store: Store, source_ids: Sequence[str]) -> dict[str, bool]:
    """Per source: whether it is partial (a press reprint or extract), by provenance or id."""
    provs = {p.source_id: p for p in store.provenance_of(source_ids)}
    return {s: "partial" in s or (s in provs and provs[s].partial) for s in source_ids}
