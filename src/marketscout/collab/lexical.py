"""BM25 over project titles and objectives, in plain DuckDB SQL: the partner finder's
lexical fallback when the embedding model is not installed.

DuckDB's full-text-search extension (`fts`) would do this, but it is not built into the
`duckdb` wheel and `INSTALL fts` downloads it from extensions.duckdb.org at run time, which an
offline machine cannot do (the PyPI `duckdb-ext-fts` packages stop at DuckDB 1.4). So the same
scheme is written out here: lower-cased, accent-free words, English stop words removed,
plurals folded by Harman's S-stemmer (Harman 1991, "How effective is suffixing?", JASIS 42),
and Okapi BM25 with k1 = 1.2, b = 0.75 and Lucene's idf = ln(1 + (N - df + 0.5)/(df + 0.5)).
"""

from __future__ import annotations

import time

import pandas as pd

from marketscout.collab.corpus import DOCS_SQL, Corpus
from marketscout.errors import InputError
from marketscout.store import Store

KIND = "lexical"
K1, B = 1.2, 0.75

STOP_WORDS = sorted(set(str.split("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each either etc few
for from further had has have having he her here hers herself him himself his how however i
if in into is it its itself just may me might more most must my myself new no nor not now of
off on once only or other our ours ourselves out over own per same shall she should so some
such than that the their theirs them themselves then there these they this those through thus
to too under until up upon us use used using very via was we well were what when where which
while who whom why will with within without would yet you your yours yourself yourselves
project projects
""")))

# Harman's S-stemmer: only the first rule that applies.
_STEM = """
CASE WHEN w LIKE '%ies' AND w NOT LIKE '%eies' AND w NOT LIKE '%aies' THEN w[:-4] || 'y'
     WHEN w LIKE '%es' AND w NOT LIKE '%aes' AND w NOT LIKE '%ees' AND w NOT LIKE '%oes'
          THEN w[:-2]
     WHEN w LIKE '%s' AND w NOT LIKE '%us' AND w NOT LIKE '%ss' THEN w[:-2]
     ELSE w END
"""


def _terms_sql(text_sql: str, key_sql: str, source: str) -> str:
    """(key, term) rows: the words of `text_sql` in `source`, stop words out, stemmed."""
    return f"""
    SELECT key, {_STEM} AS term FROM (
        SELECT {key_sql} AS key,
               unnest(regexp_split_to_array(strip_accents(lower({text_sql})), '[^a-z0-9]+'))
               AS w
        FROM {source})
    WHERE length(w) > 1 AND NOT list_contains(?::VARCHAR[], w)
    """


def query_terms(store: Store, topic: str) -> list[str]:
    """The topic's search terms, exactly as the index holds them (empty: nothing to search)."""
    sql = _terms_sql("?", "1", "(SELECT 1)")
    found = store.query(f"SELECT DISTINCT term FROM ({sql}) ORDER BY term", [topic, STOP_WORDS])
    return found["term"].tolist()


def build(store: Store, found: Corpus) -> float:
    """Rebuild the BM25 tables from cordis_project in one transaction; returns seconds."""
    start = time.perf_counter()
    terms = _terms_sql("text", "project_id", "docs")
    store.write([
        ("DELETE FROM partner_term", []),
        ("DELETE FROM partner_doc", []),
        ("DELETE FROM partner_df", []),
        ("DELETE FROM partner_index WHERE kind = ?", [KIND]),
        # sorted by term so that DuckDB's zone maps skip most row groups at query time
        (f"INSERT INTO partner_term WITH {DOCS_SQL} SELECT key, term, count(*) FROM ({terms}) "
         "GROUP BY ALL ORDER BY term, key", [STOP_WORDS]),
        ("INSERT INTO partner_doc SELECT project_id, sum(tf) FROM partner_term GROUP BY ALL",
         []),
        (f"INSERT INTO partner_doc WITH {DOCS_SQL} SELECT project_id, 0 FROM docs "
         "ANTI JOIN partner_term USING (project_id)", []),
        ("INSERT INTO partner_df SELECT term, count(*) FROM partner_term GROUP BY ALL "
         "ORDER BY term", []),
    ])
    seconds = time.perf_counter() - start
    store.write([("INSERT INTO partner_index SELECT ?, count(*), ?, ?, current_timestamp, "
                  "avg(length) FROM partner_doc", [KIND, found.fingerprint, seconds])])
    return seconds


def scores_cte(store: Store, topic: str, within: str) -> tuple[str, list[object]]:
    """`scores AS (project_id, score)`: BM25 of the projects of CTE `within` (project_id)
    that hold a topic term; document count and average length come from partner_index."""
    terms = query_terms(store, topic)
    if not terms:
        raise InputError(
            f"The topic {topic!r} has no searchable words (only stop words or punctuation).",
            where="--topic", fix="Describe the topic with content words, e.g. "
            "'hydrogen storage'.")
    sql = f"""
    scores AS (
        WITH n AS (SELECT projects AS docs, avgdl FROM partner_index WHERE kind = '{KIND}'),
        -- the topic's postings first, then the market's: DuckDB would otherwise probe
        -- every posting against the market's projects
        postings AS MATERIALIZED (SELECT project_id, term, tf FROM partner_term
                                  WHERE list_contains(?::VARCHAR[], term)),
        hits AS (SELECT * FROM postings SEMI JOIN {within} m USING (project_id))
        SELECT t.project_id,
               sum(ln(1 + (n.docs - f.df + 0.5) / (f.df + 0.5))
                   * t.tf * ({K1} + 1)
                   / (t.tf + {K1} * (1 - {B} + {B} * d.length / n.avgdl))) AS score
        FROM hits t JOIN partner_df f USING (term) JOIN partner_doc d USING (project_id)
        CROSS JOIN n
        GROUP BY t.project_id
    )"""
    return sql, [terms]


def frame_terms(store: Store, project_id: str) -> pd.DataFrame:
    """The indexed terms of one project (for explaining a match)."""
    return store.query("SELECT term, tf FROM partner_term WHERE project_id = ? ORDER BY tf DESC",
                       [project_id])
