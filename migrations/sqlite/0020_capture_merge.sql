-- The review desk can merge a capture into another open capture of the same venue (the same
-- event seen twice): state 'merged' and the capture it became evidence of. SQLite cannot
-- alter a CHECK constraint, so `capture_events` is rebuilt (nothing refers to it yet). The
-- snapshot moves to the last column: a column stored after a large BLOB is read through the
-- BLOB's overflow pages, which made the desk's per-rule figures scan megabytes.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE capture_events_new (
    id             INTEGER PRIMARY KEY,
    camera_id      INTEGER NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
    at             TEXT    NOT NULL,
    category       TEXT    NOT NULL CHECK (length(category) BETWEEN 1 AND 60),
    confidence     REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    -- The matched detections: [{"label", "score", "bbox": {"x0", "y0", "x1", "y1"}}] (0..1).
    boxes          TEXT    NOT NULL,
    -- Never public before an inspector confirms (mingchu_domain::review::ReviewState codes).
    review         TEXT    NOT NULL DEFAULT 'pending'
        CHECK (review IN ('pending', 'confirmed', 'dismissed', 'merged')),
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    reviewed_by    INTEGER REFERENCES users (id),
    reviewed_at    TEXT,
    dismiss_reason TEXT CHECK (dismiss_reason IS NULL OR dismiss_reason IN
        ('false_pet', 'false_reflection', 'false_staff_on_break', 'false_other', 'not_a_violation')),
    merged_into    INTEGER REFERENCES capture_events_new (id),
    -- The sampled picture with the boxes drawn, as JPEG (last: see above).
    snapshot       BLOB    NOT NULL,
    CHECK ((review = 'dismissed') = (dismiss_reason IS NOT NULL)),
    CHECK ((review = 'merged') = (merged_into IS NOT NULL))
);

INSERT INTO capture_events_new (id, camera_id, at, category, confidence, boxes, snapshot, review, created_at,
                                reviewed_by, reviewed_at, dismiss_reason)
SELECT id, camera_id, at, category, confidence, boxes, snapshot, review, created_at,
       reviewed_by, reviewed_at, CASE WHEN review = 'dismissed' THEN coalesce(dismiss_reason, 'false_other') END
FROM capture_events;

DROP TABLE capture_events;
ALTER TABLE capture_events_new RENAME TO capture_events;

CREATE INDEX capture_events_camera ON capture_events (camera_id, at);
CREATE INDEX capture_events_review ON capture_events (review, at);
CREATE INDEX capture_events_merged ON capture_events (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX capture_events_reviewer ON capture_events (reviewed_by, reviewed_at) WHERE reviewed_by IS NOT NULL;
-- The desk's figures per rule and camera, read from the index alone.
CREATE INDEX capture_events_tally ON capture_events (camera_id, category, review, dismiss_reason);
