-- CORDIS bulk downloads (sources/cordis_bulk.py): the detail behind horizon_participation,
-- for the partner finder. project_id and org_id are CORDIS' own keys (grant number and PIC-like
-- organisationID), the same as in horizon_participation of the same load.

-- One row per project: title, objective text, dates, programme and topics.
CREATE TABLE IF NOT EXISTS cordis_project (source_id VARCHAR, project_id VARCHAR,
    acronym VARCHAR, title VARCHAR, objective VARCHAR, start_date DATE, end_date DATE,
    programme VARCHAR,        -- H2020 or HORIZON
    legal_basis VARCHAR,      -- e.g. H2020-EU.3.1.2, HORIZON.2.5
    topics VARCHAR,           -- the call topic code(s) as CORDIS writes them
    funding_scheme VARCHAR, status VARCHAR,
    total_cost DOUBLE, ec_max_contribution DOUBLE);   -- euro

-- One row per organisation (latest details when the file repeats them per project); its
-- role and EC contribution in each project are in horizon_participation.
CREATE TABLE IF NOT EXISTS cordis_organisation (source_id VARCHAR, org_id VARCHAR,
    name VARCHAR, short_name VARCHAR,
    org_type VARCHAR,         -- CORDIS activityType: HES, REC, PRC, PUB, OTH
    sme BOOLEAN, city VARCHAR, iso3 VARCHAR, nuts_code VARCHAR, lat DOUBLE, lon DOUBLE,
    url VARCHAR);

-- Call topics of each project (topics.csv).
CREATE TABLE IF NOT EXISTS cordis_topic (source_id VARCHAR, project_id VARCHAR,
    topic VARCHAR, title VARCHAR);

-- euroSciVoc fields of science of each project (euroSciVoc.csv): code and path such as
-- /23/43/251 and /natural sciences/physical sciences/optics.
CREATE TABLE IF NOT EXISTS cordis_euroscivoc (source_id VARCHAR, project_id VARCHAR,
    code VARCHAR, path VARCHAR, title VARCHAR);
