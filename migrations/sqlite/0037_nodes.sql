-- Several media nodes on one database (issue 21, docs/design/scale.md): the nodes and their
-- heartbeats, and which node holds each camera. Unused by a single server (no --node).
CREATE TABLE nodes (
    name         TEXT PRIMARY KEY,
    -- Where viewers are sent for the cameras this node holds (its public base URL).
    url          TEXT NOT NULL,
    -- Random per process: a second process under the same name is refused while this one beats.
    incarnation  TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);

-- One row per camera once any node has looked; holder NULL: free. `epoch` grows by one each
-- time the camera changes hands and never goes back: writes for the camera carry the epoch
-- they were made under and are refused unless it is still this one (fencing).
CREATE TABLE camera_leases (
    camera_id INTEGER PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
    holder    TEXT,
    epoch     INTEGER NOT NULL DEFAULT 0,
    taken_at  TEXT
);
CREATE INDEX camera_leases_holder ON camera_leases (holder);
