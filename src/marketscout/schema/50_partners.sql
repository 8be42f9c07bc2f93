-- Partner finder search index (collab/partners.py), derived from cordis_project texts
-- (title + objective). Not a source: rebuilt by `marketscout collab index`, or by the first
-- query after the project texts change (partner_index.fingerprint tells).

-- Sentence embeddings, one per project and model; text_hash says which text was embedded.
CREATE TABLE IF NOT EXISTS partner_embedding (project_id VARCHAR, model VARCHAR,
    text_hash UBIGINT, vector FLOAT[]);

-- BM25 lexical index (the fallback without the model): term frequencies per project...
CREATE TABLE IF NOT EXISTS partner_term (project_id VARCHAR, term VARCHAR, tf INTEGER);
-- ...document lengths in terms, and document frequency per term.
CREATE TABLE IF NOT EXISTS partner_doc (project_id VARCHAR, length INTEGER);
CREATE TABLE IF NOT EXISTS partner_df (term VARCHAR, df INTEGER);

-- One row per built index: 'lexical' or the embedding model's name; BM25 keeps its corpus
-- statistics here (documents, average length) so that queries need not scan partner_doc.
CREATE TABLE IF NOT EXISTS partner_index (kind VARCHAR, projects BIGINT,
    fingerprint VARCHAR, seconds DOUBLE, built_at TIMESTAMP, avgdl DOUBLE);
