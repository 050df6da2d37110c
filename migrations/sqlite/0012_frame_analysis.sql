-- Frame analysis: each camera's picture health (from sampled frames) and the capture events
-- the detector's rules raise, which wait for an inspector's review before anything is public.
ALTER TABLE cameras ADD COLUMN health_state TEXT
    CHECK (health_state IN ('ok', 'offline', 'dark', 'covered', 'frozen', 'looped', 'blurred', 'moved'));
ALTER TABLE cameras ADD COLUMN health_since TEXT;

CREATE TABLE camera_health_changes (
    id         INTEGER PRIMARY KEY,
    camera_id  INTEGER NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
    at         TEXT    NOT NULL,
    state      TEXT    NOT NULL
        CHECK (state IN ('ok', 'offline', 'dark', 'covered', 'frozen', 'looped', 'blurred', 'moved')),
    -- What was measured (mean luma, differences, hash distances), for people reading the history.
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX camera_health_changes_camera ON camera_health_changes (camera_id, at);

CREATE TABLE capture_events (
    id          INTEGER PRIMARY KEY,
    camera_id   INTEGER NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
    at          TEXT    NOT NULL,
    category    TEXT    NOT NULL CHECK (length(category) BETWEEN 1 AND 60),
    confidence  REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    -- The matched detections: [{"label", "score", "bbox": {"x0", "y0", "x1", "y1"}}] (0..1).
    boxes       TEXT    NOT NULL,
    -- The sampled picture with the boxes drawn, as JPEG.
    snapshot    BLOB    NOT NULL,
    -- Events are never public before an inspector confirms them (the regulator console).
    review      TEXT    NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'confirmed', 'dismissed')),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX capture_events_camera ON capture_events (camera_id, at);
CREATE INDEX capture_events_review ON capture_events (review, at);
