-- Text search index: every two-character sequence of a venue's name and address (lower-cased
-- ASCII), so a search reads only venues that contain all of the query's pairs. Filled and kept
-- current by the server (db::search_terms), which also back-fills it on start.
CREATE TABLE venue_search_terms (
    term     TEXT    NOT NULL,
    venue_id INTEGER NOT NULL REFERENCES venues (id),
    PRIMARY KEY (term, venue_id)
) WITHOUT ROWID;
CREATE INDEX venue_search_terms_venue ON venue_search_terms (venue_id);
