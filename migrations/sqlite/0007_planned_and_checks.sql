-- 1. Venues can be "planned": due to join the programme but not connected yet, so the
--    programme page can show connected against planned. SQLite cannot alter a CHECK
--    constraint, so `venues` and `venue_status_changes` are rebuilt (SQLite's documented
--    procedure; foreign keys are checked at commit instead of during the swap).
-- 2. Camera checks: whether each camera showed a picture when looked at, counted per camera and
--    China day, from which the stream honesty badge and the daily online rate (target ≥ 95 %)
--    are computed.

PRAGMA defer_foreign_keys = ON;

-- Triggers on other tables that name `venues` are dropped during the swap and made again.
DROP TRIGGER inspections_grade_insert;
DROP TRIGGER inspections_grade_update;
DROP TRIGGER inspections_grade_delete;
DROP TRIGGER cameras_count_insert;
DROP TRIGGER cameras_count_update;
DROP TRIGGER cameras_count_delete;

CREATE TABLE venues_new (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('restaurant', 'school_canteen', 'elderly_meal_point', 'central_kitchen', 'other')),
    credit_code     TEXT    UNIQUE CHECK (credit_code IS NULL OR length(credit_code) = 18),
    jurisdiction_id INTEGER NOT NULL REFERENCES jurisdictions (id),
    address         TEXT    NOT NULL,
    -- WGS84 degrees.
    latitude        REAL    CHECK (latitude BETWEEN -90 AND 90),
    longitude       REAL    CHECK (longitude BETWEEN -180 AND 180),
    status          TEXT    NOT NULL CHECK (status IN ('operating', 'suspended', 'closed', 'planned')),
    is_key_venue    INTEGER NOT NULL DEFAULT 0 CHECK (is_key_venue IN (0, 1)),
    -- The day the venue's cameras were connected to the programme; NULL while planned.
    connected_on    TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    current_grade   TEXT    CHECK (current_grade IS NULL OR current_grade IN ('excellent', 'good', 'fair')),
    public_cameras  INTEGER NOT NULL DEFAULT 0,
    status_rank     INTEGER GENERATED ALWAYS AS
        (CASE status WHEN 'operating' THEN 0 WHEN 'suspended' THEN 1 WHEN 'planned' THEN 2 ELSE 3 END) VIRTUAL
);
INSERT INTO venues_new (id, name, kind, credit_code, jurisdiction_id, address, latitude, longitude, status,
                        is_key_venue, connected_on, created_at, current_grade, public_cameras)
    SELECT id, name, kind, credit_code, jurisdiction_id, address, latitude, longitude, status,
           is_key_venue, connected_on, created_at, current_grade, public_cameras FROM venues;
DROP TABLE venues;
ALTER TABLE venues_new RENAME TO venues;

CREATE INDEX venues_jurisdiction ON venues (jurisdiction_id);
CREATE INDEX venues_rank ON venues (status_rank, id);
CREATE INDEX venues_kind_rank ON venues (kind, status_rank, id);
CREATE INDEX venues_grade_rank ON venues (current_grade, status_rank, id);
CREATE INDEX venues_jurisdiction_rank ON venues (jurisdiction_id, status_rank, id);
CREATE INDEX venues_cameras_rank ON venues (public_cameras, status_rank, id);
CREATE INDEX venues_status ON venues (status);

CREATE TABLE venue_status_changes_new (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    status      TEXT    NOT NULL CHECK (status IN ('operating', 'suspended', 'closed', 'planned')),
    since       TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO venue_status_changes_new (id, venue_id, status, since, recorded_at)
    SELECT id, venue_id, status, since, recorded_at FROM venue_status_changes;
DROP TABLE venue_status_changes;
ALTER TABLE venue_status_changes_new RENAME TO venue_status_changes;
CREATE INDEX venue_status_changes_venue ON venue_status_changes (venue_id, since DESC, id DESC);

CREATE TRIGGER venues_status_change AFTER UPDATE OF status ON venues WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO venue_status_changes (venue_id, status, since) VALUES (NEW.id, NEW.status, date('now', '+8 hours'));
END;
CREATE TRIGGER venues_status_insert AFTER INSERT ON venues BEGIN
    INSERT INTO venue_status_changes (venue_id, status, since)
        VALUES (NEW.id, NEW.status, coalesce(NEW.connected_on, date('now', '+8 hours')));
END;

CREATE TRIGGER inspections_grade_insert AFTER INSERT ON inspections BEGIN
    UPDATE venues SET current_grade = (SELECT i.dynamic_grade FROM inspections i WHERE i.venue_id = NEW.venue_id
        ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1) WHERE id = NEW.venue_id;
END;
CREATE TRIGGER inspections_grade_update AFTER UPDATE ON inspections BEGIN
    UPDATE venues SET current_grade = (SELECT i.dynamic_grade FROM inspections i WHERE i.venue_id = venues.id
        ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1) WHERE id IN (OLD.venue_id, NEW.venue_id);
END;
CREATE TRIGGER inspections_grade_delete AFTER DELETE ON inspections BEGIN
    UPDATE venues SET current_grade = (SELECT i.dynamic_grade FROM inspections i WHERE i.venue_id = OLD.venue_id
        ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1) WHERE id = OLD.venue_id;
END;
CREATE TRIGGER cameras_count_insert AFTER INSERT ON cameras BEGIN
    UPDATE venues SET public_cameras = (SELECT count(*) FROM cameras c WHERE c.venue_id = NEW.venue_id AND c.is_public)
        WHERE id = NEW.venue_id;
END;
CREATE TRIGGER cameras_count_update AFTER UPDATE OF venue_id, is_public ON cameras BEGIN
    UPDATE venues SET public_cameras = (SELECT count(*) FROM cameras c WHERE c.venue_id = venues.id AND c.is_public)
        WHERE id IN (OLD.venue_id, NEW.venue_id);
END;
CREATE TRIGGER cameras_count_delete AFTER DELETE ON cameras BEGIN
    UPDATE venues SET public_cameras = (SELECT count(*) FROM cameras c WHERE c.venue_id = OLD.venue_id AND c.is_public)
        WHERE id = OLD.venue_id;
END;

-- The camera's latest check: when, and whether it showed a playable picture then. Kept on the
-- row so "online now" needs no scan; `last_seen_live` is the last time it did.
ALTER TABLE cameras ADD COLUMN last_check_at TEXT;
ALTER TABLE cameras ADD COLUMN last_check_online INTEGER CHECK (last_check_online IN (0, 1));
ALTER TABLE cameras ADD COLUMN last_seen_live TEXT;

-- Checks per camera and China day (YYYY-MM-DD): the day's online rate is online / checks.
CREATE TABLE camera_checks_daily (
    camera_id INTEGER NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
    day       TEXT    NOT NULL,
    checks    INTEGER NOT NULL CHECK (checks > 0),
    online    INTEGER NOT NULL CHECK (online BETWEEN 0 AND checks),
    PRIMARY KEY (camera_id, day)
) WITHOUT ROWID;
CREATE INDEX camera_checks_daily_day ON camera_checks_daily (day);
