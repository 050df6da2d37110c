-- Search at scale: the values search filters and sorts on are kept on the venue row (kept
-- current by triggers) instead of being recomputed per row, and indexed in the orders the
-- portal lists them (trading venues first, then by id).

ALTER TABLE venues ADD COLUMN current_grade TEXT
    CHECK (current_grade IS NULL OR current_grade IN ('excellent', 'good', 'fair'));
ALTER TABLE venues ADD COLUMN public_cameras INTEGER NOT NULL DEFAULT 0;
ALTER TABLE venues ADD COLUMN status_rank INTEGER
    GENERATED ALWAYS AS (CASE status WHEN 'operating' THEN 0 WHEN 'suspended' THEN 1 ELSE 2 END) VIRTUAL;

UPDATE venues SET
    current_grade = (SELECT i.dynamic_grade FROM inspections i WHERE i.venue_id = venues.id
                     ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1),
    public_cameras = (SELECT count(*) FROM cameras c WHERE c.venue_id = venues.id AND c.is_public);

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
CREATE TRIGGER cameras_count_update AFTER UPDATE ON cameras BEGIN
    UPDATE venues SET public_cameras = (SELECT count(*) FROM cameras c WHERE c.venue_id = venues.id AND c.is_public)
        WHERE id IN (OLD.venue_id, NEW.venue_id);
END;
CREATE TRIGGER cameras_count_delete AFTER DELETE ON cameras BEGIN
    UPDATE venues SET public_cameras = (SELECT count(*) FROM cameras c WHERE c.venue_id = OLD.venue_id AND c.is_public)
        WHERE id = OLD.venue_id;
END;

CREATE INDEX venues_rank ON venues (status_rank, id);
CREATE INDEX venues_kind_rank ON venues (kind, status_rank, id);
CREATE INDEX venues_grade_rank ON venues (current_grade, status_rank, id);
CREATE INDEX venues_jurisdiction_rank ON venues (jurisdiction_id, status_rank, id);
CREATE INDEX venues_cameras_rank ON venues (public_cameras, status_rank, id);
