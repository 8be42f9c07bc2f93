"""The partner finder's corpus: project texts (title + objective) from the CORDIS bulk tables.

The H2020 dump in the embedded snapshot has no texts and no organisation names; the snapshot's
Horizon Europe sample (100 projects, provenance `sample`) has both, and the official CORDIS
download (`sources/cordis/bulk.py`: tables cordis_project and cordis_organisation) brings them
all. This module says what the store holds and whether it is a sample.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketscout.errors import DataNotAvailableError
from marketscout.provenance import Provenance
from marketscout.sources.cordis.bulk import PROGRAMMES
from marketscout.store import Store

HOW_TO_GET = ("Load the official CORDIS bulk files, which carry titles, objectives and "
              "organisation names: `marketscout data update cordis` (online) or "
              "`marketscout data update cordis --file cordis-HORIZONprojects-csv.zip`.")

# One text per project: title and objective (a project loaded twice keeps one text).
# `{where}` narrows the projects before their texts are put together.
DOCS_TEMPLATE = """
docs AS (
    SELECT project_id,
           any_value(trim(coalesce(title, '') || ' ' || coalesce(objective, ''))) AS text
    FROM cordis_project
    WHERE (coalesce(title, '') <> '' OR coalesce(objective, '') <> '') {where}
    GROUP BY project_id
)
"""
DOCS_SQL = DOCS_TEMPLATE.format(where="")


# Below this many projects with texts the corpus cannot be CORDIS as a whole (Horizon 2020
# alone has about 35,000 projects): say plainly that results come from a sample.
SAMPLE_BELOW = 1000


@dataclass(frozen=True)
class Corpus:
    """What the store holds for the partner finder."""

    projects_with_text: int
    projects: int  # distinct projects in horizon_participation
    fingerprint: str  # changes whenever any project id, title or objective changes
    sources: tuple[Provenance, ...]
    # per source: (source_id, projects with texts, programme name), e.g. for the sample note
    loads: tuple[tuple[str, int, str], ...] = ()

    @property
    def coverage(self) -> float:
        return self.projects_with_text / self.projects if self.projects else 0.0

    @property
    def sample_note(self) -> str:
        """Empty for a full corpus; else a sentence saying why the results are a sample."""
        said = []
        samples = [self._sample(p) for p in self.sources if p.sample]
        if samples:
            said.append(f"Results come from {' and '.join(samples)}; a sample never counts "
                        "in the criteria.")
        partial = [p.source_id for p in self.sources if p.partial and not p.sample]
        if partial:
            said.append(f"Sample data: source(s) {', '.join(partial)} are partial.")
        if said:
            return " ".join(said)
        if self.projects_with_text < SAMPLE_BELOW:
            return (f"Sample data: only {self.projects_with_text} projects have texts "
                    f"(CORDIS lists tens of thousands); results come from this sample.")
        if self.coverage < 0.9:
            return (f"Partial corpus: {self.projects_with_text:,} of {self.projects:,} projects "
                    f"({self.coverage:.0%}) have texts; the others cannot match the topic.")
        return ""


    def _sample(self, p: Provenance) -> str:
        """'a sample of 100 Horizon Europe projects (CORDIS, retrieved 2026-12-02), not the
        full programme'."""
        n, programme = next(((n, prog) for sid, n, prog in self.loads if sid == p.source_id),
                            (self.projects_with_text, "Horizon"))
        return (f"a sample of {n:,} {programme} projects (CORDIS, retrieved {p.retrieved}), "
                "not the full programme")


# Texts change only when a source is (re)loaded, so the loads behind cordis_project identify
# the corpus: hashing 50,000 objectives on every query would cost seconds.
LOADS_SQL = """
SELECT c.source_id, c.projects, c.programme, p.sha256, p.loaded_at::VARCHAR AS loaded_at,
       (SELECT count(*) FROM horizon_participation) AS participations
FROM (SELECT source_id, count(*) AS projects, any_value(programme) AS programme
      FROM cordis_project GROUP BY source_id) c
LEFT JOIN provenance p USING (source_id) ORDER BY c.source_id
"""
# Corpus descriptions by (store file, fingerprint, participation rows): a query then needs
# one small query to know the texts have not changed.
_SEEN: dict[tuple[str, str, int], Corpus] = {}


def corpus(store: Store) -> Corpus:
    """Counts and fingerprint of the project texts; raises when there are none."""
    loads = store.query(LOADS_SQL)
    if loads.empty or int(loads["projects"].sum()) == 0:
        raise DataNotAvailableError(
            "The store holds no project texts (titles and objectives), so organisations "
            "cannot be matched to a topic.",
            where="table cordis_project",
            fix=HOW_TO_GET,
        )
    fingerprint = ";".join(f"{r.source_id}:{r.projects}:{r.sha256}:{r.loaded_at}"
                           for r in loads.itertuples())
    key = (store.path, fingerprint, int(loads["participations"].iloc[0]))
    if key not in _SEEN:
        # approximate (HyperLogLog): it only feeds the coverage sentence
        total = store.query("SELECT approx_count_distinct(project_id) AS n "
                            "FROM horizon_participation")
        wanted = set(loads["source_id"])
        found = tuple(p for p in store.provenance() if p.source_id in wanted)
        _SEEN.clear()
        names = {p.code: p.name for p in PROGRAMMES.values()}
        per_load = tuple((str(sid), int(n), names.get(str(prog), str(prog)))
                         for sid, n, prog in zip(loads["source_id"], loads["projects"],
                                                 loads["programme"], strict=True))
        _SEEN[key] = Corpus(int(loads["projects"].sum()), int(total["n"].iloc[0]),
                            fingerprint, found, per_load)
    return _SEEN[key]


def index_fingerprint(store: Store, kind: str) -> str | None:
    """The corpus fingerprint an index was built on, or None when it was never built."""
    found = store.query("SELECT fingerprint FROM partner_index WHERE kind = ?", [kind])
    return None if found.empty else str(found["fingerprint"].iloc[0])
