-- The key figures' worst cameras: each camera's offline share (sum over its days of
-- (checks - online) / checks) per calendar month, kept by the triggers that keep
-- `venue_checks_daily`. A month's sum bounds what the camera's counted days of any period
-- inside that month can add, so the search for the worst cameras reads the exact camera-days
-- of a few candidates only (db/kpis.rs). It replaces the venue roll-up's `offline_max`, whose
-- bound was too loose to prune at district scale.
DROP TRIGGER camera_checks_rollup_insert;
DROP TRIGGER camera_checks_rollup_update;
DROP TRIGGER cameras_rollup_move;
DROP TRIGGER cameras_rollup_delete;
ALTER TABLE venue_checks_daily DROP COLUMN offline_max;

CREATE TABLE camera_checks_monthly (
    camera_id    INTEGER NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
    -- 'YYYY-MM' (China calendar, as `camera_checks_daily.day`).
    month        TEXT    NOT NULL,
    offline_days REAL    NOT NULL,
    PRIMARY KEY (camera_id, month)
) WITHOUT ROWID;

INSERT INTO camera_checks_monthly (camera_id, month, offline_days)
    SELECT camera_id, substr(day, 1, 7), sum(1.0 * (checks - online) / checks)
    FROM camera_checks_daily GROUP BY 1, 2;

-- A new camera-day: its venue's day made again from its cameras' rows, its share added to the
-- camera's month.
CREATE TRIGGER camera_checks_rollup_insert AFTER INSERT ON camera_checks_daily BEGIN
    INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days)
        SELECT c.venue_id, NEW.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks)
        FROM cameras c JOIN camera_checks_daily d ON d.camera_id = c.id AND d.day = NEW.day
        WHERE c.venue_id = (SELECT venue_id FROM cameras WHERE id = NEW.camera_id)
        GROUP BY c.venue_id
        ON CONFLICT (venue_id, day) DO UPDATE SET cameras = excluded.cameras, checks = excluded.checks,
            online = excluded.online, offline_days = excluded.offline_days;
    INSERT INTO camera_checks_monthly (camera_id, month, offline_days)
        VALUES (NEW.camera_id, substr(NEW.day, 1, 7), 1.0 * (NEW.checks - NEW.online) / NEW.checks)
        ON CONFLICT (camera_id, month) DO UPDATE SET offline_days = offline_days + excluded.offline_days;
END;
-- A camera-day counted again: the venue's day and the camera's month made again from the rows.
CREATE TRIGGER camera_checks_rollup_update AFTER UPDATE ON camera_checks_daily BEGIN
    INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days)
        SELECT c.venue_id, NEW.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks)
        FROM cameras c JOIN camera_checks_daily d ON d.camera_id = c.id AND d.day = NEW.day
        WHERE c.venue_id = (SELECT venue_id FROM cameras WHERE id = NEW.camera_id)
        GROUP BY c.venue_id
        ON CONFLICT (venue_id, day) DO UPDATE SET cameras = excluded.cameras, checks = excluded.checks,
            online = excluded.online, offline_days = excluded.offline_days;
    INSERT INTO camera_checks_monthly (camera_id, month, offline_days)
        SELECT NEW.camera_id, substr(NEW.day, 1, 7), sum(1.0 * (d.checks - d.online) / d.checks)
        FROM camera_checks_daily d
        WHERE d.camera_id = NEW.camera_id AND d.day BETWEEN substr(NEW.day, 1, 7) || '-01' AND substr(NEW.day, 1, 7) || '-31'
        ON CONFLICT (camera_id, month) DO UPDATE SET offline_days = excluded.offline_days;
END;
-- A camera moved to another venue or removed: both venues' rows made again from what remains
-- (a removed camera's months go with it).
CREATE TRIGGER cameras_rollup_move AFTER UPDATE OF venue_id ON cameras WHEN OLD.venue_id IS NOT NEW.venue_id BEGIN
    DELETE FROM venue_checks_daily WHERE venue_id IN (OLD.venue_id, NEW.venue_id);
    INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days)
        SELECT c.venue_id, d.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks)
        FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
        WHERE c.venue_id IN (OLD.venue_id, NEW.venue_id)
        GROUP BY c.venue_id, d.day;
END;
CREATE TRIGGER cameras_rollup_delete AFTER DELETE ON cameras BEGIN
    DELETE FROM venue_checks_daily WHERE venue_id = OLD.venue_id;
    INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days)
        SELECT c.venue_id, d.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks)
        FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
        WHERE c.venue_id = OLD.venue_id
        GROUP BY c.venue_id, d.day;
END;
