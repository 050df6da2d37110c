-- Live ingest: how each camera is pulled, and the history of its connection state, from which
-- the daily online rate (target ≥ 95 %) is computed.
ALTER TABLE cameras ADD COLUMN rtsp_transport TEXT NOT NULL DEFAULT 'tcp' CHECK (rtsp_transport IN ('tcp', 'udp'));
-- 1: kept connected all the time; 0: pulled only while someone watches (or analyses) it.
ALTER TABLE cameras ADD COLUMN always_on INTEGER NOT NULL DEFAULT 0 CHECK (always_on IN (0, 1));

CREATE TABLE camera_state_changes (
    id         INTEGER PRIMARY KEY,
    camera_id  INTEGER NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
    at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    state      TEXT    NOT NULL CHECK (state IN ('idle', 'online', 'offline', 'unplayable')),
    -- Why it is offline or unplayable, for operators (never holds credentials).
    detail     TEXT
);
CREATE INDEX camera_state_changes_camera ON camera_state_changes (camera_id, at);
