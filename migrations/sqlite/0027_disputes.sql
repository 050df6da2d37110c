-- Disputes (mingchu_domain::dispute): a venue contests a confirmed capture or a violation with
-- a note and photos; another inspector decides. An overturned violation leaves the public
-- timeline and the risk grading (`overturned_at`); an overturned capture is dismissed.

CREATE TABLE disputes (
    id           INTEGER PRIMARY KEY,
    venue_id     INTEGER NOT NULL REFERENCES venues (id),
    -- What is disputed: a violation (which may come from a capture), or a confirmed capture
    -- not (yet) in a violation.
    violation_id INTEGER REFERENCES violations (id),
    capture_id   INTEGER REFERENCES capture_events (id),
    note         TEXT    NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
    raised_by    INTEGER REFERENCES users (id),
    raised_at    TEXT    NOT NULL,
    outcome      TEXT    CHECK (outcome IS NULL OR outcome IN ('upheld', 'overturned')),
    reason       TEXT    CHECK (reason IS NULL OR length(reason) <= 2000),
    decided_by   INTEGER REFERENCES users (id),
    decided_at   TEXT,
    CHECK (violation_id IS NOT NULL OR capture_id IS NOT NULL),
    CHECK ((outcome IS NULL) = (decided_at IS NULL))
);
CREATE INDEX disputes_venue ON disputes (venue_id, raised_at);
CREATE INDEX disputes_open ON disputes (raised_at) WHERE outcome IS NULL;
-- One open dispute per thing disputed.
CREATE UNIQUE INDEX disputes_open_violation ON disputes (violation_id) WHERE outcome IS NULL AND violation_id IS NOT NULL;
CREATE UNIQUE INDEX disputes_open_capture ON disputes (capture_id) WHERE outcome IS NULL AND capture_id IS NOT NULL;

CREATE TABLE dispute_photos (
    id         INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES disputes (id),
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    sha256     TEXT    NOT NULL,
    jpeg       BLOB    NOT NULL
);
CREATE INDEX dispute_photos_dispute ON dispute_photos (dispute_id);

ALTER TABLE violations ADD COLUMN overturned_at TEXT;
