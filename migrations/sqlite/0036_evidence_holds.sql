-- Footage that is evidence in a case (issue 18): kept past retention and quota while the case
-- is open and for a set period after it closed (mingchu_domain::recording::evidence_kept).
CREATE TABLE evidence_holds (
    id         INTEGER PRIMARY KEY,
    camera_id  INTEGER NOT NULL REFERENCES cameras (id),
    from_at    TEXT    NOT NULL,
    to_at      TEXT    NOT NULL,
    case_kind  TEXT    NOT NULL CHECK (case_kind IN ('capture', 'order', 'complaint')),
    case_ref   TEXT    NOT NULL,
    -- The exported clip's SHA-256, when the hold came with an export.
    sha256     TEXT,
    created_at TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    CHECK (from_at < to_at)
);
CREATE INDEX evidence_holds_camera ON evidence_holds (camera_id, from_at);
CREATE INDEX evidence_holds_case ON evidence_holds (case_kind, case_ref);
