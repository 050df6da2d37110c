-- Every change of a venue's trading status, with the day it took effect (China time), so
-- closed or suspended venues can be told apart from ones that merely stopped sending video.
CREATE TABLE venue_status_changes (
    id         INTEGER PRIMARY KEY,
    venue_id   INTEGER NOT NULL REFERENCES venues (id),
    status     TEXT    NOT NULL CHECK (status IN ('operating', 'suspended', 'closed')),
    since      TEXT    NOT NULL,
    recorded_at TEXT   NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX venue_status_changes_venue ON venue_status_changes (venue_id, since DESC, id DESC);

-- Venues that exist already: their current status, since they joined the programme.
INSERT INTO venue_status_changes (venue_id, status, since)
    SELECT id, status, coalesce(connected_on, date(created_at, '+8 hours')) FROM venues;

-- Any later change of status is recorded, whichever code path makes it.
CREATE TRIGGER venues_status_change AFTER UPDATE OF status ON venues WHEN OLD.status IS NOT NEW.status BEGIN
    INSERT INTO venue_status_changes (venue_id, status, since) VALUES (NEW.id, NEW.status, date('now', '+8 hours'));
END;
CREATE TRIGGER venues_status_insert AFTER INSERT ON venues BEGIN
    INSERT INTO venue_status_changes (venue_id, status, since)
        VALUES (NEW.id, NEW.status, coalesce(NEW.connected_on, date('now', '+8 hours')));
END;
