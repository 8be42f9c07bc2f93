-- marketscout store schema. Every data table carries the source_id of the load that wrote it,
-- so that one source can be replaced atomically without touching the others.

CREATE TABLE IF NOT EXISTS provenance (
    source_id   VARCHAR PRIMARY KEY,
    title       VARCHAR NOT NULL,
    publisher   VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,
    licence     VARCHAR NOT NULL,
    edition     VARCHAR NOT NULL,
    retrieved   VARCHAR NOT NULL,
    republisher VARCHAR,
    sha256      VARCHAR,
    rows        BIGINT,
    countries   INTEGER,
    years       VARCHAR,
    partial     BOOLEAN,
    note        VARCHAR,
    tables      VARCHAR,          -- comma-separated table names written by this load
    loaded_at   TIMESTAMP DEFAULT current_timestamp
);

-- Added after the first release: stores created earlier gain the column on open.
ALTER TABLE provenance ADD COLUMN IF NOT EXISTS complete BOOLEAN DEFAULT false;
-- A sample of the publisher's table: shown by the partner finder, never counted.
ALTER TABLE provenance ADD COLUMN IF NOT EXISTS sample BOOLEAN DEFAULT false;

CREATE TABLE IF NOT EXISTS wb_indicator (source_id VARCHAR, iso3 VARCHAR, year INTEGER,
    indicator VARCHAR, value DOUBLE);
CREATE TABLE IF NOT EXISTS country_meta (source_id VARCHAR, iso3 VARCHAR, name VARCHAR,
    region VARCHAR, income_group VARCHAR);
CREATE TABLE IF NOT EXISTS horizon_participation (source_id VARCHAR, project_id VARCHAR,
    org_id VARCHAR, iso3 VARCHAR, role VARCHAR, org_type VARCHAR, ec_contribution DOUBLE,
    start_year INTEGER, programme VARCHAR);
CREATE TABLE IF NOT EXISTS horizon_programme_part (source_id VARCHAR, project_id VARCHAR,
    programme_part VARCHAR);
CREATE TABLE IF NOT EXISTS gii (source_id VARCHAR, iso3 VARCHAR, edition INTEGER,
    code VARCHAR, name VARCHAR, score DOUBLE, rank DOUBLE);
CREATE TABLE IF NOT EXISTS imd (source_id VARCHAR, iso3 VARCHAR, year INTEGER, score DOUBLE,
    rank DOUBLE, n_economies INTEGER);
CREATE TABLE IF NOT EXISTS lpi (source_id VARCHAR, iso3 VARCHAR, year INTEGER,
    indicator VARCHAR, score DOUBLE, rank DOUBLE);
CREATE TABLE IF NOT EXISTS distance (source_id VARCHAR, iso_o VARCHAR, iso_d VARCHAR,
    dist DOUBLE, distcap DOUBLE, distw DOUBLE, distwces DOUBLE, contig INTEGER,
    comlang_off INTEGER, comlang_ethno INTEGER, colony INTEGER, smctry INTEGER);
CREATE TABLE IF NOT EXISTS geography (source_id VARCHAR, iso3 VARCHAR, name VARCHAR,
    area DOUBLE, landlocked INTEGER, continent VARCHAR, capital VARCHAR, lat DOUBLE,
    lon DOUBLE, language VARCHAR);
CREATE TABLE IF NOT EXISTS fdi_inward (source_id VARCHAR, home VARCHAR, partner VARCHAR,
    year INTEGER, value DOUBLE, unit VARCHAR, basis VARCHAR);
CREATE TABLE IF NOT EXISTS exports (source_id VARCHAR, home VARCHAR, partner VARCHAR,
    year INTEGER, value DOUBLE, unit VARCHAR);
CREATE TABLE IF NOT EXISTS survey (source_id VARCHAR, association VARCHAR, market VARCHAR,
    position INTEGER);
CREATE TABLE IF NOT EXISTS priority_list (source_id VARCHAR, list_name VARCHAR,
    market VARCHAR, tier VARCHAR, position INTEGER);
CREATE TABLE IF NOT EXISTS baci_country (source_id VARCHAR, code INTEGER, iso3 VARCHAR,
    name VARCHAR);
CREATE TABLE IF NOT EXISTS baci_product (source_id VARCHAR, code VARCHAR, description VARCHAR);
CREATE TABLE IF NOT EXISTS trade_flow (source_id VARCHAR, year INTEGER, exporter VARCHAR,
    importer VARCHAR, product VARCHAR, value DOUBLE, quantity DOUBLE);
CREATE TABLE IF NOT EXISTS boundary (source_id VARCHAR, iso3 VARCHAR, name VARCHAR,
    geometry VARCHAR);

CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

-- The crosswalk's country list as shipped with the snapshot (one row per economy).
CREATE TABLE IF NOT EXISTS country (source_id VARCHAR, iso3 VARCHAR, iso2 VARCHAR,
    m49 INTEGER, name VARCHAR, official_name VARCHAR, un_member BOOLEAN,
    separate_economy BOOLEAN, continent VARCHAR);
