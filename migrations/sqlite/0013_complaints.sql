-- Citizens' complaints (12315-style), their photos and public updates; Open311 API keys;
-- and server secrets (the key that signs complaint-form tokens).
CREATE TABLE complaints (
    id               INTEGER PRIMARY KEY,
    -- Public, short and random (e.g. MC-7K3M-9QXD): never in sequence.
    reference        TEXT    NOT NULL UNIQUE,
    -- The form token's nonce, or `open311:<api key name>:<Idempotency-Key>`: a retried
    -- submission finds its complaint here instead of storing a second one.
    idempotency_key  TEXT    NOT NULL UNIQUE,
    -- SHA-256 of what was submitted (venue, category, description): a form reused for a
    -- different complaint (the Back button) is told so instead of being taken for a retry.
    content_hash     TEXT    NOT NULL,
    -- Open311 `token` of a request created through the API (random, unguessable).
    open311_token    TEXT    UNIQUE,
    venue_id         INTEGER NOT NULL REFERENCES venues (id),
    category         TEXT    NOT NULL CHECK (category IN ('hygiene', 'foreign_matter', 'illness', 'staff_behaviour', 'licence_problem', 'camera_problem', 'other')),
    description      TEXT    NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    -- China time as entered, `YYYY-MM-DDTHH:MM`.
    occurred_at      TEXT,
    camera_id        INTEGER REFERENCES cameras (id),
    camera_time      TEXT,
    -- Private: never shown publicly or in Open311 answers.
    contact          TEXT,
    name             TEXT,
    show_name        INTEGER NOT NULL DEFAULT 0 CHECK (show_name IN (0, 1)),
    status           TEXT    NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'rejected', 'investigating', 'action_scheduled', 'resolved', 'closed', 'duplicate')),
    submitted_at     TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    -- Acceptance decision due (7 working days), and mediation end once accepted (45).
    accept_due       TEXT    NOT NULL,
    mediation_due    TEXT,
    -- 'web' or 'open311:<api key name>'.
    source           TEXT    NOT NULL,
    -- Open311 extras: a location given instead of a venue, and a client's media link.
    lat              REAL,
    long             REAL,
    media_url        TEXT
);
CREATE INDEX complaints_venue ON complaints (venue_id, submitted_at);
CREATE INDEX complaints_submitted ON complaints (submitted_at);

CREATE TABLE complaint_photos (
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
    position      INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    -- File name under the photo folder (random hex + .jpg): re-encoded, no metadata.
    file          TEXT    NOT NULL UNIQUE,
    original_name TEXT    NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    PRIMARY KEY (complaint_id, position)
);

CREATE TABLE complaint_updates (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
    at            TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    duplicate_of  TEXT
);
CREATE INDEX complaint_updates_complaint ON complaint_updates (complaint_id, at);

CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 60),
    -- SHA-256 (hex) of the key; the key itself is printed once and never stored.
    key_hash    TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE server_secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
);
