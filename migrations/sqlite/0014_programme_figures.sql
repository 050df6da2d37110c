-- The programme figures (mingchu_domain::programme) group venues by status, connection date and
-- kind, and count each venue's cameras and those online now: two covering indexes keep that one
-- pass over the venues at 100,000 venues (docs/benchmarks.md).
CREATE INDEX venues_figures ON venues (status, connected_on IS NOT NULL, kind);
-- Covers what cameras_venue covered, and the last check.
CREATE INDEX cameras_venue_check ON cameras (venue_id, last_check_online, last_check_at);
DROP INDEX cameras_venue;
