-- The venue's right of reply: its answer to an inspection (or one finding of it), shown on the
-- public page only once a moderator has published it.
CREATE TABLE venue_replies (
    id              INTEGER PRIMARY KEY,
    inspection_id   INTEGER NOT NULL REFERENCES inspections (id),
    -- NULL: the reply is about the inspection as a whole.
    finding_id      INTEGER REFERENCES findings (id),
    body            TEXT    NOT NULL CHECK (length(trim(body)) BETWEEN 1 AND 2000),
    submitted_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'rejected')),
    moderated_at    TEXT,
    -- Why a reply was rejected; told to the venue, never shown to the public.
    moderation_note TEXT,
    CHECK ((status = 'pending') = (moderated_at IS NULL)),
    CHECK (status != 'rejected' OR length(trim(moderation_note)) > 0)
);
CREATE INDEX venue_replies_inspection ON venue_replies (inspection_id, status);
CREATE INDEX venue_replies_pending ON venue_replies (status, id);
