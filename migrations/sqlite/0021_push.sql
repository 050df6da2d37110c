-- Pushing findings to the venue (mingchu_domain::push): notices land in the operators' console
-- inbox and are delivered to the webhooks (WeCom and DingTalk group robots, signed JSON) that the
-- venue or the supervision office configured. Deliveries are a durable queue: each is claimed
-- for a while before it is sent, retried with backoff, and its outcome kept.

CREATE TABLE notices (
    id           INTEGER PRIMARY KEY,
    venue_id     INTEGER NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('finding', 'camera_offline')),
    -- What it is about: 'capture:12', 'camera:3'.
    subject      TEXT    NOT NULL,
    -- What the notice says, as JSON (mingchu_domain::push::Notice).
    body         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    -- A finding put back in the queue withdraws its notice.
    withdrawn_at TEXT
);
CREATE INDEX notices_venue ON notices (venue_id, created_at);
-- One live notice per thing it is about.
CREATE UNIQUE INDEX notices_live ON notices (subject) WHERE withdrawn_at IS NULL;

-- Who has read which notice (read state is per person).
CREATE TABLE notice_reads (
    notice_id INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    read_at   TEXT    NOT NULL,
    PRIMARY KEY (notice_id, user_id)
) WITHOUT ROWID;

CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    -- A venue's (its operator's) or a supervision office's; exactly one of them.
    venue_id    INTEGER REFERENCES venues (id) ON DELETE CASCADE,
    office_id   INTEGER REFERENCES supervision_offices (id) ON DELETE CASCADE,
    channel     TEXT    NOT NULL CHECK (channel IN ('wecom', 'dingtalk', 'json')),
    url         TEXT    NOT NULL CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
    -- DingTalk's signing secret (SEC…) or the JSON webhook's HMAC key; WeCom has none.
    secret      TEXT,
    label       TEXT    NOT NULL DEFAULT '' CHECK (length(label) <= 60),
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    disabled_at TEXT,
    CHECK ((venue_id IS NULL) <> (office_id IS NULL))
);
CREATE INDEX webhooks_venue ON webhooks (venue_id) WHERE venue_id IS NOT NULL;
CREATE INDEX webhooks_office ON webhooks (office_id) WHERE office_id IS NOT NULL;

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    notice_id       INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- 'cancelled': its notice was withdrawn before it was sent.
    state           TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When it is next due; while being sent, when the claim lapses (a crashed sender's claim
    -- lapses and the delivery is sent again: receivers dedupe on the delivery id).
    due_at          TEXT    NOT NULL,
    last_attempt_at TEXT,
    -- The receiver's answer (HTTP status, and the robot's errcode), or why it could not be sent.
    last_outcome    TEXT,
    delivered_at    TEXT,
    UNIQUE (notice_id, webhook_id)
);
CREATE INDEX deliveries_due ON deliveries (due_at) WHERE state = 'queued';
