-- A venue's response to what the regulator raised against it: a confirmed finding (a notice in
-- its inbox) or a complaint. Seen by those covering the venue and by its operators; never
-- public (a reply for the public page goes through moderation: venue_replies).
CREATE TABLE venue_responses (
    id        INTEGER PRIMARY KEY,
    venue_id  INTEGER NOT NULL REFERENCES venues (id),
    -- What it answers: 'capture:12' or 'complaint:MC-XXXX-XXXX-XXXX'.
    subject   TEXT    NOT NULL,
    body      TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    author_id INTEGER REFERENCES users (id),
    at        TEXT    NOT NULL
);
CREATE INDEX venue_responses_subject ON venue_responses (subject, at);
