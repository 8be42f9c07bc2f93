-- Trade years written as Parquet by `marketscout data update baci` (sources/baci_bulk.py): one
-- row per file, loaded with the file's provenance (source_id dsm_trade_baci_<hs>_<year>), so
-- the DSM can find the files and a failed update leaves the previous list in place.
CREATE TABLE IF NOT EXISTS trade_file (source_id VARCHAR, path VARCHAR, year INTEGER,
    classification VARCHAR,   -- HS92, HS96, ..., HS22
    release VARCHAR,          -- BACI release, e.g. V202401b
    rows BIGINT);
