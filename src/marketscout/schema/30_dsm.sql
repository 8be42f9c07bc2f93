-- Inputs of the DSM's filters 1 and 3 that the user imports (`marketscout dsm import`).
-- Country risk ratings, e.g. Credendo: political short term / medium-long term on 1..7
-- (1 = lowest risk), commercial on A..C or 1..7; `scale_max` is the worst class of the scale.
CREATE TABLE IF NOT EXISTS risk_rating (source_id VARCHAR, iso3 VARCHAR, year INTEGER,
    kind VARCHAR, rating DOUBLE, scale_max INTEGER);
-- Applied tariffs (ad valorem %, after preferences) imposed by `importer` on HS6 `product`;
-- `exporter` NULL = the rate applies to every partner (MFN).
CREATE TABLE IF NOT EXISTS tariff (source_id VARCHAR, importer VARCHAR, exporter VARCHAR,
    product VARCHAR, year INTEGER, rate DOUBLE);
-- Non-tariff measures: frequency (share of tariff lines covered, 0..1) by importer and product.
CREATE TABLE IF NOT EXISTS ntm (source_id VARCHAR, importer VARCHAR, product VARCHAR,
    year INTEGER, frequency DOUBLE);
