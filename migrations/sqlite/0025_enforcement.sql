-- The enforcement loop (mingchu_domain::rectification): violations with their evidence,
-- rectification orders with every step taken on them, and the maintained list of legal clauses
-- an order cites. Notices gain the order kinds, which needs the notice tables rebuilt (SQLite
-- cannot alter a CHECK constraint).

-- The clauses an order may cite; retired ones stay for the orders that cited them.
CREATE TABLE legal_clauses (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    -- The law or regulation, e.g. 《中华人民共和国食品安全法》, and the article, e.g. 第三十三条.
    law        TEXT NOT NULL CHECK (length(law) BETWEEN 1 AND 80),
    article    TEXT NOT NULL CHECK (length(article) BETWEEN 1 AND 40),
    -- What it requires, in a line.
    summary    TEXT NOT NULL CHECK (length(summary) BETWEEN 1 AND 300),
    retired_at TEXT
);

INSERT INTO legal_clauses (code, law, article, summary) VALUES
    ('fsl-33', '《中华人民共和国食品安全法》', '第三十三条',
     '食品生产经营应当符合食品安全标准：场所环境整洁，设备设施齐全，防尘、防蝇、防鼠、防虫，餐具饮具洗净消毒，从业人员保持个人卫生。'),
    ('fsl-45', '《中华人民共和国食品安全法》', '第四十五条',
     '从事接触直接入口食品工作的食品生产经营人员应当每年进行健康检查，取得健康证明后方可上岗工作。'),
    ('fsl-54', '《中华人民共和国食品安全法》', '第五十四条',
     '食品经营者应当按照保证食品安全的要求贮存食品，定期检查库存食品，及时清理变质或者超过保质期的食品。'),
    ('fsl-55', '《中华人民共和国食品安全法》', '第五十五条',
     '餐饮服务提供者应当制定并实施原料控制要求，不得采购不符合食品安全标准的食品原料。'),
    ('fsl-56', '《中华人民共和国食品安全法》', '第五十六条',
     '餐饮服务提供者应当定期维护食品加工、贮存、陈列等设施、设备；定期清洗、校验保温设施及冷藏、冷冻设施；按照要求对餐具、饮具进行清洗消毒。'),
    ('fsl-57', '《中华人民共和国食品安全法》', '第五十七条',
     '学校、托幼机构、养老机构、建筑工地等集中用餐单位的食堂应当严格遵守法律、法规和食品安全标准。'),
    ('fsl-126', '《中华人民共和国食品安全法》', '第一百二十六条',
     '违反本法规定的，由县级以上人民政府食品安全监督管理部门责令改正，给予警告；拒不改正的，处以罚款。'),
    ('fslr-70', '《中华人民共和国食品安全法实施条例》', '第七十条',
     '餐饮服务提供者未按规定管理从业人员、维护设施设备的，依照食品安全法第一百二十六条处理。');

-- A violation: what was found at a venue, where, and its evidence.
CREATE TABLE violations (
    id               INTEGER PRIMARY KEY,
    venue_id         INTEGER NOT NULL REFERENCES venues (id),
    source           TEXT    NOT NULL CHECK (source IN ('capture', 'patrol', 'inspection', 'complaint')),
    -- A capture's rule name, or a mingchu_domain::vocab::ViolationCategory code.
    category         TEXT    NOT NULL CHECK (length(category) BETWEEN 1 AND 60),
    description      TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    -- When it was seen (a capture's time; the day's finding otherwise).
    observed_at      TEXT    NOT NULL,
    capture_id       INTEGER REFERENCES capture_events (id),
    complaint_ref    TEXT,
    camera_id        INTEGER REFERENCES cameras (id),
    -- Whether its evidence picture is shown on the public timeline.
    evidence_public  INTEGER NOT NULL DEFAULT 1 CHECK (evidence_public IN (0, 1)),
    recorded_by      INTEGER REFERENCES users (id),
    recorded_at      TEXT    NOT NULL,
    CHECK ((source = 'capture') = (capture_id IS NOT NULL))
);
CREATE INDEX violations_venue ON violations (venue_id, observed_at);
-- A capture is one violation at most.
CREATE UNIQUE INDEX violations_capture ON violations (capture_id) WHERE capture_id IS NOT NULL;

-- A rectification order (责令改正 / 整改通知). Its state is the domain's answer, kept with
-- the fields the state machine reads.
CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    office_id    INTEGER NOT NULL REFERENCES supervision_offices (id),
    -- The office's running number for the year.
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    venue_id     INTEGER NOT NULL REFERENCES venues (id),
    requirement  TEXT    NOT NULL CHECK (length(requirement) BETWEEN 1 AND 2000),
    -- The clauses cited, as printed (the clause list may change later; the order does not).
    legal_basis  TEXT    NOT NULL CHECK (length(legal_basis) BETWEEN 1 AND 4000),
    state        TEXT    NOT NULL CHECK (state IN ('issued', 'replied', 'extension_asked', 'closed')),
    issued_on    TEXT    NOT NULL,
    due_on       TEXT    NOT NULL,
    extensions   INTEGER NOT NULL DEFAULT 0,
    asked_until  TEXT,
    closed_on    TEXT,
    issued_by    INTEGER REFERENCES users (id),
    issued_at    TEXT    NOT NULL,
    -- When the overdue notice went out (once per order).
    escalated_at TEXT,
    UNIQUE (office_id, year, seq)
);
CREATE INDEX orders_office ON orders (office_id, state, due_on);
CREATE INDEX orders_venue ON orders (venue_id, issued_on);
CREATE INDEX orders_open_due ON orders (due_on) WHERE state <> 'closed';

-- The violations an order names; a violation is in one order at most.
CREATE TABLE order_violations (
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    violation_id INTEGER NOT NULL UNIQUE REFERENCES violations (id),
    PRIMARY KEY (order_id, violation_id)
) WITHOUT ROWID;

-- Every step taken on an order, in order: who, when, and its note or reason.
CREATE TABLE order_steps (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    step     TEXT    NOT NULL CHECK (step IN ('issue', 'reply', 'ask_extension', 'grant_extension',
                                              'refuse_extension', 'accept', 'reject')),
    party    TEXT    NOT NULL CHECK (party IN ('venue', 'inspector')),
    note     TEXT    CHECK (note IS NULL OR length(note) <= 2000),
    -- The day asked for (ask_extension) or the new due day (grant_extension).
    until    TEXT,
    by_user  INTEGER REFERENCES users (id),
    at       TEXT    NOT NULL
);
CREATE INDEX order_steps_order ON order_steps (order_id, id);

-- Notices gain the order kinds: the three notice tables are rebuilt with their rows.
CREATE TABLE notices_new (
    id           INTEGER PRIMARY KEY,
    venue_id     INTEGER NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('finding', 'camera_offline', 'order_issued', 'order_overdue')),
    subject      TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    withdrawn_at TEXT
);
INSERT INTO notices_new SELECT id, venue_id, kind, subject, body, created_at, withdrawn_at FROM notices;

CREATE TABLE notice_reads_new (
    notice_id INTEGER NOT NULL REFERENCES notices_new (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    read_at   TEXT    NOT NULL,
    PRIMARY KEY (notice_id, user_id)
) WITHOUT ROWID;
INSERT INTO notice_reads_new SELECT notice_id, user_id, read_at FROM notice_reads;

CREATE TABLE deliveries_new (
    id              INTEGER PRIMARY KEY,
    notice_id       INTEGER NOT NULL REFERENCES notices_new (id) ON DELETE CASCADE,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    state           TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    due_at          TEXT    NOT NULL,
    last_attempt_at TEXT,
    last_outcome    TEXT,
    delivered_at    TEXT,
    UNIQUE (notice_id, webhook_id)
);
INSERT INTO deliveries_new SELECT id, notice_id, webhook_id, state, attempts, due_at, last_attempt_at, last_outcome,
                                  delivered_at FROM deliveries;

DROP TABLE deliveries;
DROP TABLE notice_reads;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
ALTER TABLE notice_reads_new RENAME TO notice_reads;
ALTER TABLE deliveries_new RENAME TO deliveries;

CREATE INDEX notices_venue ON notices (venue_id, created_at);
CREATE UNIQUE INDEX notices_live ON notices (subject) WHERE withdrawn_at IS NULL;
CREATE INDEX deliveries_due ON deliveries (due_at) WHERE state = 'queued';
