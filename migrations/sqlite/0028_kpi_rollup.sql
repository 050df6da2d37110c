-- The key figures' daily roll-up: per venue and China day, the checks of all its cameras (how
-- many cameras had checks, the checks, the online checks) and the sum of its cameras' offline
-- shares ((checks - online) / checks, from which offline camera-hours are counted). Kept by
-- triggers from `camera_checks_daily`, whichever code path writes it, so it always equals the
-- raw rows (tested: server/tests/kpis.rs); which days count is decided when reading
-- (mingchu_domain::kpi).
CREATE TABLE venue_checks_daily (
    venue_id     INTEGER NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    day          TEXT    NOT NULL,
    cameras      INTEGER NOT NULL,
    checks       INTEGER NOT NULL,
    online       INTEGER NOT NULL,
    offline_days REAL    NOT NULL,
    -- The largest one camera's offline share that day: a bound on any one camera's hours.
    offline_max  REAL    NOT NULL,
    PRIMARY KEY (venue_id, day)
) WITHOUT ROWID;
CREATE INDEX venue_checks_daily_day ON venue_checks_daily (day);

INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days, offline_max)
    SELECT c.venue_id, d.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks), max(1.0 * (d.checks - d.online) / d.checks)
    FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
    GROUP BY c.venue_id, d.day;

-- The venue's row of a day, made again from its cameras' rows of that day.
CREATE TRIGGER camera_checks_rollup_insert AFTER INSERT ON camera_checks_daily BEGIN
    INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days, offline_max)
        SELECT c.venue_id, NEW.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks), max(1.0 * (d.checks - d.online) / d.checks)
        FROM cameras c JOIN camera_checks_daily d ON d.camera_id = c.id AND d.day = NEW.day
        WHERE c.venue_id = (SELECT venue_id FROM cameras WHERE id = NEW.camera_id)
        GROUP BY c.venue_id
        ON CONFLICT (venue_id, day) DO UPDATE SET cameras = excluded.cameras, checks = excluded.checks,
            online = excluded.online, offline_days = excluded.offline_days, offline_max = excluded.offline_max;
END;
CREATE TRIGGER camera_checks_rollup_update AFTER UPDATE ON camera_checks_daily BEGIN
    INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days, offline_max)
        SELECT c.venue_id, NEW.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks), max(1.0 * (d.checks - d.online) / d.checks)
        FROM cameras c JOIN camera_checks_daily d ON d.camera_id = c.id AND d.day = NEW.day
        WHERE c.venue_id = (SELECT venue_id FROM cameras WHERE id = NEW.camera_id)
        GROUP BY c.venue_id
        ON CONFLICT (venue_id, day) DO UPDATE SET cameras = excluded.cameras, checks = excluded.checks,
            online = excluded.online, offline_days = excluded.offline_days, offline_max = excluded.offline_max;
END;
-- A camera moved to another venue or removed: both venues' rows made again from what remains.
CREATE TRIGGER cameras_rollup_move AFTER UPDATE OF venue_id ON cameras WHEN OLD.venue_id IS NOT NEW.venue_id BEGIN
    DELETE FROM venue_checks_daily WHERE venue_id IN (OLD.venue_id, NEW.venue_id);
    INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days, offline_max)
        SELECT c.venue_id, d.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks), max(1.0 * (d.checks - d.online) / d.checks)
        FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
        WHERE c.venue_id IN (OLD.venue_id, NEW.venue_id)
        GROUP BY c.venue_id, d.day;
END;
CREATE TRIGGER cameras_rollup_delete AFTER DELETE ON cameras BEGIN
    DELETE FROM venue_checks_daily WHERE venue_id = OLD.venue_id;
    INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days, offline_max)
        SELECT c.venue_id, d.day, count(*), sum(d.checks), sum(d.online), sum(1.0 * (d.checks - d.online) / d.checks), max(1.0 * (d.checks - d.online) / d.checks)
        FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
        WHERE c.venue_id = OLD.venue_id
        GROUP BY c.venue_id, d.day;
END;
