-- Counts behind search at city scale (docs/design/search.md; sqlite 0039): venues per
-- combination of the search filters, kept by triggers, and venues per index term, kept by
-- db::search_terms beside the index.
CREATE TABLE venue_facets (
    kind            TEXT COLLATE "C" NOT NULL,
    -- '' for a venue not graded yet (a search filters on a grade, never on its absence).
    grade           TEXT COLLATE "C" NOT NULL,
    jurisdiction_id BIGINT NOT NULL,
    with_cameras    BIGINT NOT NULL CHECK (with_cameras IN (0, 1)),
    venues          BIGINT NOT NULL,
    PRIMARY KEY (kind, grade, jurisdiction_id, with_cameras)
);

INSERT INTO venue_facets (kind, grade, jurisdiction_id, with_cameras, venues)
    SELECT kind, coalesce(current_grade, ''), jurisdiction_id, CAST(public_cameras > 0 AS INT), count(*)
    FROM venues GROUP BY 1, 2, 3, 4;

CREATE FUNCTION venues_facets_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE venue_facets SET venues = venues - 1
            WHERE kind = OLD.kind AND grade = coalesce(OLD.current_grade, '') AND jurisdiction_id = OLD.jurisdiction_id
              AND with_cameras = CAST(OLD.public_cameras > 0 AS INT);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO venue_facets (kind, grade, jurisdiction_id, with_cameras, venues)
            VALUES (NEW.kind, coalesce(NEW.current_grade, ''), NEW.jurisdiction_id, CAST(NEW.public_cameras > 0 AS INT), 1)
            ON CONFLICT (kind, grade, jurisdiction_id, with_cameras) DO UPDATE SET venues = venue_facets.venues + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER venues_facets_insert AFTER INSERT ON venues
    FOR EACH ROW EXECUTE FUNCTION venues_facets_change();
CREATE TRIGGER venues_facets_delete AFTER DELETE ON venues
    FOR EACH ROW EXECUTE FUNCTION venues_facets_change();
CREATE TRIGGER venues_facets_update AFTER UPDATE OF kind, current_grade, jurisdiction_id, public_cameras ON venues
    FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.current_grade IS DISTINCT FROM NEW.current_grade
        OR OLD.jurisdiction_id IS DISTINCT FROM NEW.jurisdiction_id
        OR (OLD.public_cameras > 0) IS DISTINCT FROM (NEW.public_cameras > 0))
    EXECUTE FUNCTION venues_facets_change();

CREATE TABLE search_term_counts (
    term   TEXT COLLATE "C" PRIMARY KEY,
    venues BIGINT NOT NULL
);

INSERT INTO search_term_counts (term, venues) SELECT term, count(*) FROM venue_search_terms GROUP BY term;

-- "Near me" reads every venue in a box: with the id in the location index, PostgreSQL answers it
-- from the index alone (as SQLite does, whose indexes carry the rowid), not from a table page per
-- venue (2.5 ms for the 1,700 venues of a dense box at 100,000 venues, then 0.8 ms).
DROP INDEX venues_location;
CREATE INDEX venues_location ON venues (latitude, longitude) INCLUDE (id);
