-- The console's complaint desk: who handles a complaint (an inspector whose office covers its
-- venue), and the staff's private notes (never public, never shown to the venue). Public
-- progress notes are complaint_updates rows that keep the status.
ALTER TABLE complaints ADD COLUMN assigned_to INTEGER REFERENCES users (id);
CREATE INDEX complaints_assigned ON complaints (assigned_to) WHERE assigned_to IS NOT NULL;
CREATE INDEX complaints_status ON complaints (status, submitted_at);

CREATE TABLE complaint_notes (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    at           TEXT    NOT NULL,
    author_id    INTEGER REFERENCES users (id),
    text         TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
);
CREATE INDEX complaint_notes_complaint ON complaint_notes (complaint_id, at);
