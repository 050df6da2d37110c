-- "Was this page useful?" on a venue's public page: one answer per visitor, venue and China
-- day (a later answer replaces it). The visitor is a keyed hash of their address and the day
-- (the server's key), so answers can be told apart but nobody can be identified or followed
-- from one day to the next. The key figures count them.
CREATE TABLE venue_page_votes (
    venue_id INTEGER NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    day      TEXT    NOT NULL,
    voter    TEXT    NOT NULL,
    useful   INTEGER NOT NULL CHECK (useful IN (0, 1)),
    PRIMARY KEY (venue_id, day, voter)
) WITHOUT ROWID;
CREATE INDEX venue_page_votes_day ON venue_page_votes (day);
