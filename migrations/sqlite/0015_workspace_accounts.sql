-- The workspace's accounts (mingchu_domain::access), their one-time password links and the
-- audit log's hash chain (mingchu_domain::audit). Role codes are Role::code.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT    NOT NULL UNIQUE CHECK (length(login) BETWEEN 3 AND 40),
    display_name  TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
    role          TEXT    NOT NULL CHECK (role IN ('administrator', 'inspector', 'operator')),
    -- An inspector works for exactly one office; nobody else has one.
    office_id     INTEGER REFERENCES supervision_offices (id),
    -- argon2id in PHC string form; NULL until the person sets one through a one-time link.
    password_hash TEXT,
    created_at    TEXT    NOT NULL,
    disabled_at   TEXT,
    CHECK ((role = 'inspector') = (office_id IS NOT NULL))
);

-- A venue operator's venues.
CREATE TABLE user_venues (
    user_id  INTEGER NOT NULL REFERENCES users (id),
    venue_id INTEGER NOT NULL REFERENCES venues (id),
    PRIMARY KEY (user_id, venue_id)
) WITHOUT ROWID;
CREATE INDEX user_venues_venue ON user_venues (venue_id);

-- Links that let a person set their password once (new accounts, resets). Only the SHA-256
-- of the link's secret is kept; a newer link replaces the older ones.
CREATE TABLE password_links (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    used_at    TEXT
) WITHOUT ROWID;
CREATE INDEX password_links_user ON password_links (user_id);

-- Append-only: entry `seq` carries the hash of entry `seq - 1` (GENESIS for the first).
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    role      TEXT,
    action    TEXT    NOT NULL,
    object    TEXT    NOT NULL,
    before    TEXT,
    after     TEXT,
    address   TEXT,
    prev_hash TEXT    NOT NULL CHECK (length(prev_hash) = 64),
    hash      TEXT    NOT NULL CHECK (length(hash) = 64)
);
