-- The business survey (issue 8): rounds, associations, invitations, answers, and the admin's
-- credentials, sessions and login attempts. Timestamps are naive UTC.
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

CREATE TABLE IF NOT EXISTS survey_admin (
    username      VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,   -- scrypt$n$r$p$salt$hash
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS survey_session (
    session_hash VARCHAR NOT NULL,    -- sha256 of the cookie's random id
    username     VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS survey_login_attempt (
    client       VARCHAR NOT NULL,    -- the client's IP address
    attempted_at TIMESTAMP NOT NULL,
    ok           BOOLEAN NOT NULL
);
