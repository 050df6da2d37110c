-- Several media nodes on one database (issue 21, docs/design/scale.md): the nodes and their
-- heartbeats, and which node holds each camera (see migrations/sqlite/0037_nodes.sql).
CREATE TABLE nodes (
    name         TEXT COLLATE "C" PRIMARY KEY,
    url          TEXT COLLATE "C" NOT NULL,
    incarnation  TEXT COLLATE "C" NOT NULL,
    started_at   TEXT COLLATE "C" NOT NULL,
    heartbeat_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE camera_leases (
    camera_id BIGINT PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
    holder    TEXT COLLATE "C",
    epoch     BIGINT NOT NULL DEFAULT 0,
    taken_at  TEXT COLLATE "C"
);
CREATE INDEX camera_leases_holder ON camera_leases (holder);
