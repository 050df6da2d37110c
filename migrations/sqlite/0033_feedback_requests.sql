-- Asking a complainant by the contact they left (mingchu_domain::feedback_request): when a
-- complaint is first handled to the end and its contact can be reached (a mobile number, an
-- email address), a request is queued in the same transaction and sent through the programme's
-- message gateway. A durable queue as `deliveries` is: claimed for a while before it is sent,
-- retried with backoff, its outcome kept; dropped ('expired') when it could not be sent within
-- a day, or when no gateway is configured. The contact is read from the complaint when sent.
CREATE TABLE feedback_requests (
    id              INTEGER PRIMARY KEY,
    complaint_id    INTEGER NOT NULL UNIQUE REFERENCES complaints (id) ON DELETE CASCADE,
    -- 'sms' or 'email', as the contact was read when the request was made.
    reach           TEXT    NOT NULL CHECK (reach IN ('sms', 'email')),
    state           TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'expired')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    -- When it is next due; while being sent, when the claim lapses.
    due_at          TEXT    NOT NULL,
    last_attempt_at TEXT,
    -- The gateway's answer, or why it was not sent.
    last_outcome    TEXT
);
CREATE INDEX feedback_requests_due ON feedback_requests (due_at) WHERE state = 'queued';
