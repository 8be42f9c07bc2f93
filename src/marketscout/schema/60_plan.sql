-- The activity plan (issue 13): the agency's activity register, its targets, and the
-- instruments it uses. User data, not sources: no source_id; every table is named plan_*.
-- `version` takes a fresh value of plan_version_seq on every write, so an edit made from a
-- form that shows an older version is refused (marketscout.plan.register, version check).

CREATE SEQUENCE IF NOT EXISTS plan_version_seq START 1;
CREATE SEQUENCE IF NOT EXISTS plan_activity_seq START 1;

CREATE TABLE IF NOT EXISTS plan_activity (
    activity_id    VARCHAR NOT NULL,
    home           VARCHAR NOT NULL,   -- ISO3 of the country whose agency acts
    title          VARCHAR,
    type           VARCHAR NOT NULL,   -- visit, mission, event, call, project, agreement, ...
    instrument     VARCHAR,            -- a business support measure (plan_instrument)
    markets        VARCHAR[] NOT NULL, -- ISO3 codes; effort is split equally between them
    sector         VARCHAR,            -- an HS section ('HS XVI') or a free label
    start_date     DATE NOT NULL,
    end_date       DATE NOT NULL,
    organiser      VARCHAR,
    currency       VARCHAR,            -- ISO 4217 code of budget, cost and export value
    budget         DOUBLE,
    cost           DOUBLE,             -- actual cost
    companies      INTEGER,            -- participating companies or organisations
    company_names  VARCHAR,            -- '; '-separated
    leads          INTEGER,
    contracts      INTEGER,
    export_value   DOUBLE,             -- reported export value (outcome)
    joint_projects INTEGER,            -- joint projects reported as an outcome
    status         VARCHAR NOT NULL,   -- planned, done, cancelled
    notes          VARCHAR,
    source         VARCHAR,            -- where the record comes from
    illustrative   BOOLEAN NOT NULL DEFAULT false,
    version        BIGINT NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS plan_target (
    target_id      VARCHAR NOT NULL,
    home           VARCHAR NOT NULL,
    title          VARCHAR,
    indicator      VARCHAR NOT NULL,   -- marketscout.plan.indicators.INDICATORS
    activity_type  VARCHAR,            -- for register indicators: count only this type
    scope          VARCHAR NOT NULL,   -- market, tier, list, sector, all
    scope_value    VARCHAR,            -- ISO3, tier name, sector label; empty for list/all
    baseline       DOUBLE NOT NULL,
    baseline_year  INTEGER NOT NULL,
    target         DOUBLE NOT NULL,
    target_year    INTEGER NOT NULL,
    unit           VARCHAR NOT NULL,
    notes          VARCHAR,
    source         VARCHAR,
    illustrative   BOOLEAN NOT NULL DEFAULT false,
    version        BIGINT NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

-- The instruments (business support measures) activities may name; when empty, the defaults
-- in marketscout.plan.vocab.DEFAULT_INSTRUMENTS apply.
CREATE TABLE IF NOT EXISTS plan_instrument (
    instrument  VARCHAR NOT NULL,
    description VARCHAR
);

-- Each import of a register or targets file: what was loaded, from where, when.
CREATE TABLE IF NOT EXISTS plan_import (
    home        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,     -- 'register' or 'targets'
    file        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    rows        INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
