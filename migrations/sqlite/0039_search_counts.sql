-- Counts behind search at city scale (docs/design/search.md): a search that filters without
-- text counts its matches from `venue_facets` (venues per combination of the filters, kept by
-- triggers), and a text search orders its terms by `search_term_counts` (venues per index term,
-- kept by db::search_terms beside the index) instead of counting postings at every request.
CREATE TABLE venue_facets (
    kind            TEXT NOT NULL,
    -- '' for a venue not graded yet (a search filters on a grade, never on its absence).
    grade           TEXT NOT NULL,
    jurisdiction_id INTEGER NOT NULL,
    with_cameras    INTEGER NOT NULL CHECK (with_cameras IN (0, 1)),
    venues          INTEGER NOT NULL,
    PRIMARY KEY (kind, grade, jurisdiction_id, with_cameras)
) WITHOUT ROWID;

INSERT INTO venue_facets (kind, grade, jurisdiction_id, with_cameras, venues)
    SELECT kind, coalesce(current_grade, ''), jurisdiction_id, public_cameras > 0, count(*) FROM venues GROUP BY 1, 2, 3, 4;

CREATE TRIGGER venues_facets_insert AFTER INSERT ON venues BEGIN
    INSERT INTO venue_facets (kind, grade, jurisdiction_id, with_cameras, venues)
        VALUES (NEW.kind, coalesce(NEW.current_grade, ''), NEW.jurisdiction_id, NEW.public_cameras > 0, 1)
        ON CONFLICT (kind, grade, jurisdiction_id, with_cameras) DO UPDATE SET venues = venues + 1;
END;

CREATE TRIGGER venues_facets_delete AFTER DELETE ON venues BEGIN
    UPDATE venue_facets SET venues = venues - 1
        WHERE kind = OLD.kind AND grade = coalesce(OLD.current_grade, '') AND jurisdiction_id = OLD.jurisdiction_id
          AND with_cameras = (OLD.public_cameras > 0);
END;

CREATE TRIGGER venues_facets_update AFTER UPDATE OF kind, current_grade, jurisdiction_id, public_cameras ON venues
WHEN OLD.kind IS NOT NEW.kind OR OLD.current_grade IS NOT NEW.current_grade
  OR OLD.jurisdiction_id IS NOT NEW.jurisdiction_id OR (OLD.public_cameras > 0) IS NOT (NEW.public_cameras > 0) BEGIN
    UPDATE venue_facets SET venues = venues - 1
        WHERE kind = OLD.kind AND grade = coalesce(OLD.current_grade, '') AND jurisdiction_id = OLD.jurisdiction_id
          AND with_cameras = (OLD.public_cameras > 0);
    INSERT INTO venue_facets (kind, grade, jurisdiction_id, with_cameras, venues)
        VALUES (NEW.kind, coalesce(NEW.current_grade, ''), NEW.jurisdiction_id, NEW.public_cameras > 0, 1)
        ON CONFLICT (kind, grade, jurisdiction_id, with_cameras) DO UPDATE SET venues = venues + 1;
END;

CREATE TABLE search_term_counts (
    term   TEXT PRIMARY KEY,
    venues INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO search_term_counts (term, venues) SELECT term, count(*) FROM venue_search_terms GROUP BY term;
