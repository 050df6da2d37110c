-- In-restaurant display screens: each opens /display/<token> and sends a heartbeat, from
-- which the regulator KPIs count screens installed and online.
CREATE TABLE screens (
    id               INTEGER PRIMARY KEY,
    venue_id         INTEGER NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    -- SHA-256 (hex) of the secret in the screen's URL; the secret itself is never stored.
    token_hash       TEXT    NOT NULL UNIQUE,
    -- 1: snapshots every few seconds instead of live video, for venues on poor uplinks.
    low_bandwidth    INTEGER NOT NULL DEFAULT 0 CHECK (low_bandwidth IN (0, 1)),
    -- Seconds each camera is shown large before the next one is; 0 keeps an even grid.
    promote_seconds  INTEGER NOT NULL DEFAULT 20 CHECK (promote_seconds BETWEEN 0 AND 3600),
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at       TEXT,
    last_heartbeat_at TEXT,
    online           INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
    -- The last heartbeat's report (tiles shown, tiles live, browser heap), as JSON.
    last_report      TEXT
);
CREATE INDEX screens_venue ON screens (venue_id);

CREATE TABLE screen_state_changes (
    id         INTEGER PRIMARY KEY,
    screen_id  INTEGER NOT NULL REFERENCES screens (id) ON DELETE CASCADE,
    at         TEXT    NOT NULL,
    online     INTEGER NOT NULL CHECK (online IN (0, 1))
);
CREATE INDEX screen_state_changes_screen ON screen_state_changes (screen_id, at);
