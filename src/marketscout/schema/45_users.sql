-- Who may log in to the web app (issue 17): users with a role, their sessions, login attempts,
-- and the settings the admin changes in the web app. Timestamps are naive UTC.
-- The bootstrap admin ("admin", password from MARKETSCOUT_ADMIN_PASSWORD) is a row of
-- app_user too, kept in step with the configured password by marketscout.access.

CREATE TABLE IF NOT EXISTS app_user (
    username      VARCHAR PRIMARY KEY,  -- lower case: letters, digits, . _ -
    role          VARCHAR NOT NULL,     -- 'admin' or 'analyst' (admin implies analyst)
    password_hash VARCHAR NOT NULL,     -- scrypt$n$r$p$salt$hash
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS app_session (
    session_hash VARCHAR NOT NULL,      -- sha256 of the cookie's random id
    username     VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS app_login_attempt (
    attempt_id   VARCHAR NOT NULL,      -- random; counted as a failure until it succeeds
    client       VARCHAR NOT NULL,      -- the client's IP address
    attempted_at TIMESTAMP NOT NULL,
    ok           BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS app_setting (
    key        VARCHAR PRIMARY KEY,     -- e.g. read_access, survey_languages, survey_base_url
    value      VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR                  -- the user who saved it (NULL: the command line)
);

-- the survey's own admin tables of issue 8, replaced by the tables above
DROP TABLE IF EXISTS survey_admin;
DROP TABLE IF EXISTS survey_session;
DROP TABLE IF EXISTS survey_login_attempt;
