-- Signed-in sessions and sign-in attempts (mingchu_domain::account). Only SHA-256 hashes of
-- session secrets are stored.

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    address      TEXT,
    user_agent   TEXT,
    revoked_at   TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failures count against the account and the address for a while (login limits).
CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    login     TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    succeeded INTEGER NOT NULL CHECK (succeeded IN (0, 1))
);
CREATE INDEX login_attempts_login ON login_attempts (login, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);
