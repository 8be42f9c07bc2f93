"""Partner finder: organisations in a market ranked by how well their projects match a topic,
with their experience and their history with home-country organisations.

An organisation's score is its best-matching project's score (cosine similarity of sentence
embeddings, or BM25 on the lexical path); `matching_projects` counts its projects scoring at
least `min_score`. Ties go to more matching projects, then more EC funding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from marketscout import countries
from marketscout.collab import lexical, semantic
from marketscout.collab.corpus import HOW_TO_GET, Corpus, corpus, index_fingerprint
from marketscout.collab.profile import ORG_TYPES
from marketscout.collab.scope import Scope, country, require_participant
from marketscout.errors import DataNotAvailableError, InputError
from marketscout.store import Store

METHODS = ("auto", "semantic", "lexical")
# Cosine similarity of all-MiniLM-L6-v2 below which a project is not counted as matching:
# a working threshold for "about the same subject" (not a published value; --min-score).
SEMANTIC_MIN = 0.35

# The best `top` organisations (score of the best project, then matching projects), their
# best project's title, experience in scope, names, and history with home organisations, in
# one query (each round trip costs more than the work on a busy machine).
SEARCH_SQL = """
, mine AS (SELECT DISTINCT p.org_id, p.project_id, s.score
           FROM part p JOIN scores s USING (project_id) WHERE p.iso3 = $market),
ranked AS (SELECT org_id, max(score) AS score,
                  count(*) FILTER (WHERE score >= $floor) AS matching_projects,
                  arg_max(project_id, score) AS best_project_id
           FROM mine GROUP BY org_id HAVING max(score) >= $floor
           ORDER BY score DESC, matching_projects DESC, org_id LIMIT $top),
best AS (SELECT DISTINCT ON (project_id) project_id, acronym, title FROM cordis_project
         WHERE project_id IN (SELECT best_project_id FROM ranked)),
experience AS (
    SELECT p.org_id, count(DISTINCT p.project_id) AS projects,
           count(*) FILTER (WHERE p.role = 'coordinator') AS coordinator_roles,
           round(coalesce(sum(p.ec_contribution), 0), 2) AS ec_contribution,
           any_value(p.org_type) AS participation_org_type
    FROM part p SEMI JOIN ranked c ON p.org_id = c.org_id WHERE p.iso3 = $market
    GROUP BY p.org_id),
history AS MATERIALIZED (
    SELECT DISTINCT t.org_id, h.org_id AS home_org, t.project_id
    FROM part t JOIN part h ON h.project_id = t.project_id AND h.iso3 = $home
    SEMI JOIN ranked c ON t.org_id = c.org_id WHERE t.iso3 = $market),
per_home AS (SELECT org_id, home_org, count(*) AS n FROM history GROUP BY ALL),
joint AS (SELECT org_id, count(DISTINCT project_id) AS n FROM history GROUP BY org_id),
names AS (
    SELECT org_id, any_value(name) AS name, any_value(city) AS city,
           any_value(org_type) AS org_type, any_value(sme) AS sme
    FROM cordis_organisation
    WHERE org_id IN (SELECT org_id FROM ranked UNION ALL SELECT home_org FROM per_home)
    GROUP BY org_id),
home_list AS (
    SELECT ph.org_id, string_agg(coalesce(nm.name, '(name not in the store) ' || ph.home_org)
                                 || ' (' || ph.n || ')', '; ' ORDER BY ph.n DESC, nm.name)
                      AS home_organisations
    FROM per_home ph LEFT JOIN names nm ON nm.org_id = ph.home_org GROUP BY ph.org_id)
SELECT r.org_id, nm.name, nm.city, coalesce(nm.org_type, e.participation_org_type) AS org_type,
       nm.sme, r.score, r.matching_projects, r.best_project_id, b.acronym, b.title,
       e.projects, e.coordinator_roles, e.ec_contribution,
       coalesce(j.n, 0) AS joint_projects_with_home,
       coalesce(hl.home_organisations, '') AS home_organisations
FROM ranked r LEFT JOIN best b ON b.project_id = r.best_project_id
LEFT JOIN experience e USING (org_id) LEFT JOIN names nm USING (org_id)
LEFT JOIN home_list hl USING (org_id) LEFT JOIN joint j USING (org_id)
ORDER BY r.score DESC, r.matching_projects DESC, r.org_id
"""
COLUMNS = ["rank", "org_id", "name", "city", "org_type", "org_type_label", "sme", "score",
           "matching_projects", "best_project", "best_project_id", "projects",
           "coordinator_roles", "ec_contribution", "joint_projects_with_home",
           "home_organisations"]


@dataclass(frozen=True)
class PartnerSearch:
    """The ranked organisations and everything needed to say how they were found."""

    home: str
    market: str
    topic: str
    method: str  # 'semantic' or 'lexical'
    model: str  # the embedding model, or 'BM25'
    scope: Scope
    min_score: float
    partners: pd.DataFrame
    corpus: Corpus
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def source(self) -> str:
        return "; ".join(p.cite() for p in self.corpus.sources) or "no data"


def choose_method(method: str) -> str:
    """'auto' is semantic when the model is installed, else lexical."""
    if method not in METHODS:
        raise InputError(f"Unknown method {method!r}.", where="--method",
                         fix=f"Use one of: {', '.join(METHODS)}.")
    if method == "semantic" and not semantic.available():
        raise DataNotAvailableError("Semantic search needs the embedding model, which is not "
                                    "installed.", where="--method semantic",
                                    fix=semantic.INSTALL + " Or use --method lexical.")
    if method == "auto":
        return "semantic" if semantic.available() else "lexical"
    return method


def ensure_lexical(store: Store, found: Corpus) -> bool:
    """Build the BM25 tables when absent or older than the texts; True when it (re)built."""
    if index_fingerprint(store, lexical.KIND) == found.fingerprint:
        return False
    lexical.build(store, found)
    return True


def find_partners(store: Store, home: str, market: str, topic: str, top: int = 20, *,
                  where: Scope | None = None, method: str = "auto",
                  min_score: float | None = None,
                  progress: semantic.Progress | None = None,
                  embed_missing: bool = True) -> PartnerSearch:
    """Organisations of `market` ranked by how well their projects match `topic`.

    `embed_missing=False` (the web app) never embeds at query time: without a complete
    embedding index (`marketscout collab index`) 'auto' falls back to BM25 and says so."""
    home, market, topic = country(home, "--home"), country(market, "--market"), topic.strip()
    _check(home, market, topic, top)
    # the one search that uses samples (their texts), and says so in its notes
    where = replace(where or Scope(), samples=True)
    found = corpus(store)
    method = choose_method(method)
    notes = [n for n in (found.sample_note,) if n]
    part, params = where.cte()
    # the market's projects: the only ones a query scores
    part += ", market_projects AS (SELECT DISTINCT project_id FROM part WHERE iso3 = ?)"
    params = [*params, market]
    complete = method == "semantic" and (
        index_fingerprint(store, semantic.model_name()) == found.fingerprint)
    if method == "semantic" and not (complete or embed_missing):
        method = "lexical"
        notes.append("Semantic index not built for the current texts: ranked by BM25. Run "
                     "`marketscout collab index` to rank by semantic similarity.")
    if method == "semantic":
        if not complete:
            require_participant(store, market, where, role="--market")
            done = semantic.ensure(store, _market_projects(store, part, params, market, found),
                                   progress)
            if done:
                notes.append(f"Embedded {done} project texts (cached in the store).")
        model, floor = semantic.model_name(), SEMANTIC_MIN if min_score is None else min_score
        # (DuckDB scans 50,000 stored vectors in tens of ms: measured as fast as a numpy
        # matrix held in memory, so nothing is kept between queries)
        scores, score_params = semantic.scores_cte(topic, "market_projects")
    else:
        if ensure_lexical(store, found):
            notes.append("Built the BM25 search index (cached in the store).")
        scores, score_params = lexical.scores_cte(store, topic, "market_projects")
        model, floor = "BM25", 1e-9 if min_score is None else min_score
    ranked = _search(store, f"WITH {part}, {scores} {SEARCH_SQL}", [*params, *score_params],
                     {"market": market, "home": home, "floor": floor, "top": top})
    if ranked.empty:  # say why: no participation, no text, or no match
        require_participant(store, market, where, role="--market")
        _market_projects(store, part, params, market, found)
        notes.append(f"No organisation in {countries.name(market)} has a project matching "
                     f"the topic (score >= {floor:g}).")
    return PartnerSearch(home, market, topic, method, model, where, floor, ranked, found,
                         tuple(notes))


def _check(home: str, market: str, topic: str, top: int) -> None:
    if not topic:
        raise InputError("The topic is empty.", where="--topic",
                         fix='Describe what partners should work on, e.g. "hydrogen storage".')
    if home == market:
        raise InputError(f"Home and market are the same country ({home}).", where="--market",
                         fix="Choose a market other than the home country.")
    if top < 1:
        raise InputError(f"--top must be at least 1, not {top}.", where="--top",
                         fix="For example --top 20.")


def _market_projects(store: Store, part: str, params: list[object], market: str,
                     found: Corpus) -> list[str]:
    """The market's projects in scope that have a text; raises when there are none."""
    sql = (f"WITH {part} SELECT DISTINCT m.project_id FROM market_projects m "
           "SEMI JOIN cordis_project c ON m.project_id = c.project_id")
    ids = store.query(sql, params)["project_id"].tolist()
    if not ids:
        raise DataNotAvailableError(
            f"None of the projects of {countries.name(market)} ({market}) in scope has a text "
            f"in the store ({found.projects_with_text:,} projects have one).",
            where="tables cordis_project and horizon_participation", fix=HOW_TO_GET)
    return ids


def _search(store: Store, sql: str, positional: list[object],
            named: dict[str, object]) -> pd.DataFrame:
    """Run the search (positional parameters first, then the named ones) and finish the
    columns: names of unknown organisations, type labels, the best project's label."""
    # DuckDB binds either ? or $name parameters, not both: each $name becomes ? in turn
    order = re.findall(r"\$([a-z]+)", sql)
    sql = re.sub(r"\$[a-z]+", "?", sql)
    out = store.query(sql, [*positional, *(named[key] for key in order)])
    out["name"] = out["name"].fillna("(name not in the store) " + out["org_id"])
    out["org_type_label"] = out["org_type"].map(ORG_TYPES).fillna("")
    label = (out["acronym"].fillna("") + ": " + out["title"].fillna("")).str.strip(": ")
    out["best_project"] = label.where(label != "", out["best_project_id"])
    out["joint_projects_with_home"] = out["joint_projects_with_home"].fillna(0).astype(int)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out[COLUMNS]
