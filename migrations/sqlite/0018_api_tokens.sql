-- Per-user API tokens (mingchu_domain::access::TokenScope codes, comma-separated). Only the
-- SHA-256 of a token is stored; it is shown once, when made.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    token_hash   TEXT    NOT NULL UNIQUE,
    scopes       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
