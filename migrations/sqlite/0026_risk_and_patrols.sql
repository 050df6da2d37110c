-- Risk grading and patrols (mingchu_domain::risk, mingchu_domain::patrol): each venue's level
-- with its reasons, recomputed when its record changes; patrol tasks (by filter, by list, or a
-- month's plan from risk levels) with their visits, the evidence captured on them (a camera's
-- frame on a remote patrol, a photo on site) and their results.

CREATE TABLE venue_risk (
    venue_id      INTEGER PRIMARY KEY REFERENCES venues (id) ON DELETE CASCADE,
    level         TEXT    NOT NULL CHECK (level IN ('A', 'B', 'C', 'D')),
    score         INTEGER NOT NULL,
    static_score  INTEGER NOT NULL,
    dynamic_score INTEGER NOT NULL,
    -- [{"code", "count", "points"}] (mingchu_domain::risk::RiskReason)
    reasons       TEXT    NOT NULL,
    computed_at   TEXT    NOT NULL
);
CREATE INDEX venue_risk_level ON venue_risk (level);

CREATE TABLE patrol_tasks (
    id         INTEGER PRIMARY KEY,
    office_id  INTEGER REFERENCES supervision_offices (id),
    title      TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    mode       TEXT    NOT NULL CHECK (mode IN ('remote', 'onsite')),
    starts_on  TEXT    NOT NULL,
    ends_on    TEXT    NOT NULL CHECK (ends_on >= starts_on),
    -- 'YYYY-MM' for a month's plan generated from risk levels.
    plan_month TEXT,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT    NOT NULL
);
CREATE INDEX patrol_tasks_office ON patrol_tasks (office_id, starts_on);

CREATE TABLE patrol_visits (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER NOT NULL REFERENCES patrol_tasks (id),
    venue_id     INTEGER NOT NULL REFERENCES venues (id),
    inspector_id INTEGER REFERENCES users (id),
    planned_on   TEXT    NOT NULL,
    result       TEXT    CHECK (result IS NULL OR result IN ('no_problem', 'problems')),
    note         TEXT    CHECK (note IS NULL OR length(note) <= 2000),
    -- The on-site checklist: {"item_code": true (passed) | false (failed)}.
    checklist    TEXT,
    done_by      INTEGER REFERENCES users (id),
    done_at      TEXT,
    CHECK ((result IS NULL) = (done_at IS NULL)),
    UNIQUE (task_id, venue_id)
);
CREATE INDEX patrol_visits_inspector ON patrol_visits (inspector_id, done_at);
-- A venue's last visit, for "not patrolled in N days" and the plan.
CREATE INDEX patrol_visits_venue_done ON patrol_visits (venue_id, done_at) WHERE done_at IS NOT NULL;

CREATE TABLE patrol_evidence (
    id        INTEGER PRIMARY KEY,
    visit_id  INTEGER NOT NULL REFERENCES patrol_visits (id),
    -- The camera a frame was taken from; NULL for a photo taken on site.
    camera_id INTEGER REFERENCES cameras (id),
    taken_at  TEXT    NOT NULL,
    taken_by  INTEGER REFERENCES users (id),
    width     INTEGER NOT NULL,
    height    INTEGER NOT NULL,
    sha256    TEXT    NOT NULL,
    jpeg      BLOB    NOT NULL
);
CREATE INDEX patrol_evidence_visit ON patrol_evidence (visit_id);

-- A violation found on a patrol keeps its visit and its evidence picture.
ALTER TABLE violations ADD COLUMN visit_id INTEGER REFERENCES patrol_visits (id);
ALTER TABLE violations ADD COLUMN evidence_id INTEGER REFERENCES patrol_evidence (id);

-- Photos the venue sends with its reply to an order (cleaned like complaint photos:
-- re-encoded, no metadata).
CREATE TABLE order_photos (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    step_id  INTEGER NOT NULL REFERENCES order_steps (id),
    width    INTEGER NOT NULL,
    height   INTEGER NOT NULL,
    sha256   TEXT    NOT NULL,
    jpeg     BLOB    NOT NULL
);
CREATE INDEX order_photos_step ON order_photos (step_id);
