-- The business survey (issue 8): rounds, associations, invitations and answers (the admin's
-- login lives in 45_users.sql). Timestamps are naive UTC.
-- No PRIMARY KEY/UNIQUE on rows that are deleted and re-inserted (answers, responses,
-- invitations): DuckDB checks such constraints eagerly inside a transaction, so uniqueness is
-- kept by marketscout.survey, whose writes run one at a time under Store.write's lock.

CREATE SEQUENCE IF NOT EXISTS survey_id_seq START 1;

CREATE TABLE IF NOT EXISTS survey_round (
    round_id    INTEGER PRIMARY KEY,
    title       VARCHAR NOT NULL,
    closes_on   DATE NOT NULL,      -- the last day answers are accepted (UTC)
    max_markets INTEGER NOT NULL,   -- K: markets per answer; Borda points k + 1 - position
    home        VARCHAR,            -- the home country whose associations answer, if given
    created_at  TIMESTAMP NOT NULL,
    closed_at   TIMESTAMP           -- set when the admin closes the round before closes_on
);

CREATE TABLE IF NOT EXISTS survey_association (
    association_id INTEGER PRIMARY KEY,
    name           VARCHAR NOT NULL,
    sector         VARCHAR,
    weight         DOUBLE NOT NULL,  -- > 0; 1 unless the agency decides otherwise
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS survey_invitation (
    round_id       INTEGER NOT NULL,
    association_id INTEGER NOT NULL,
    token_hash     VARCHAR NOT NULL,  -- sha256 of the token; the token itself is never stored
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS survey_response (
    round_id       INTEGER NOT NULL,
    association_id INTEGER NOT NULL,
    sector         VARCHAR,
    comment        VARCHAR,
    via            VARCHAR NOT NULL,  -- 'web' or 'import'
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS survey_answer (
    round_id       INTEGER NOT NULL,
    association_id INTEGER NOT NULL,
    position       INTEGER NOT NULL,  -- 1 = the most important market
    market         VARCHAR NOT NULL   -- ISO3
);
