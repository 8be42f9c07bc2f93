-- Inputs of the DSM's filters 1 and 3 that the user imports (`marketscout dsm import`).
-- Country risk ratings, e.g. Credendo: political short term / medium-long term on 1..7
-- (1 = lowest risk), commercial on A..C or 1..7; `scale_max` is the worst class of the scale.
CREATE TABLE IF NOT EXISTS risk_rating (source_id VARCHAR, iso3 VARCHAR, year INTEGER,
    kind VARCHAR, rating DOUBLE, scale_max INTEGER);
-- OECD Country Risk Classification (0..7, 0 = lowest risk) needs the scale's best class and a
-- status for unrated countries: 'rated'; 'not_reviewed_high_income' (high-income OECD / euro
-- area countries the OECD does not review and prices as lowest risk); 'not_classified'
-- (unknown: never read as 0). `edition` is the publisher's date, e.g. 2026-01-30.
ALTER TABLE risk_rating ADD COLUMN IF NOT EXISTS scale_min INTEGER DEFAULT 1;
ALTER TABLE risk_rating ADD COLUMN IF NOT EXISTS status VARCHAR DEFAULT 'rated';
ALTER TABLE risk_rating ADD COLUMN IF NOT EXISTS edition VARCHAR DEFAULT NULL;
-- Applied tariffs (ad valorem %, after preferences) imposed by `importer` on HS6 `product`;
-- `exporter` NULL = the rate applies to every partner (MFN).
CREATE TABLE IF NOT EXISTS tariff (source_id VARCHAR, importer VARCHAR, exporter VARCHAR,
    product VARCHAR, year INTEGER, rate DOUBLE);
-- Non-tariff measures: frequency (share of tariff lines covered, 0..1) by importer and product.
CREATE TABLE IF NOT EXISTS ntm (source_id VARCHAR, importer VARCHAR, product VARCHAR,
    year INTEGER, frequency DOUBLE);
