-- Recording (issue 18): a policy and a retention per camera, the index of recorded files, and
-- the notes of what happened to them (repairs after a crash, a full disk, deletions).

ALTER TABLE cameras ADD COLUMN recording TEXT NOT NULL DEFAULT 'off'
    CHECK (recording IN ('continuous', 'events', 'off'));
ALTER TABLE cameras ADD COLUMN recording_retention_days INTEGER NOT NULL DEFAULT 30
    CHECK (recording_retention_days BETWEEN 1 AND 365);

-- One fragmented MP4 file on disk. Times are the server's receive times, RFC 3339 with
-- milliseconds ('%Y-%m-%dT%H:%M:%fZ'), so they compare as text.
CREATE TABLE recording_segments (
    id               INTEGER PRIMARY KEY,
    camera_id        INTEGER NOT NULL REFERENCES cameras (id),
    -- Relative to the recordings folder.
    path             TEXT    NOT NULL UNIQUE,
    start_at         TEXT    NOT NULL,
    end_at           TEXT    NOT NULL,
    -- The camera's own clock minus the server's at the start, when the camera told it.
    camera_offset_ms INTEGER,
    bytes            INTEGER NOT NULL CHECK (bytes > 0),
    init_bytes       INTEGER NOT NULL,
    codec            TEXT    NOT NULL,
    width            INTEGER NOT NULL,
    height           INTEGER NOT NULL,
    -- JSON: [{offset, len, start_ms, duration_ms, keyframe}], one per moof + mdat.
    fragments        TEXT    NOT NULL,
    -- Indexed by recovery after an unclean stop rather than when written.
    recovered        INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1))
);
CREATE INDEX recording_segments_camera_time ON recording_segments (camera_id, start_at);
CREATE INDEX recording_segments_end ON recording_segments (end_at);

CREATE TABLE recording_notes (
    id        INTEGER PRIMARY KEY,
    camera_id INTEGER REFERENCES cameras (id),
    at        TEXT    NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('indexed', 'recovered', 'discarded', 'missing', 'disk_full',
                                               'write_failed', 'retention', 'quota')),
    detail    TEXT    NOT NULL
);
CREATE INDEX recording_notes_camera ON recording_notes (camera_id, at);
