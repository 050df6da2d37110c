-- The purchased-service contract (购买服务合同): supplier, days, yearly price per venue or per
-- camera, the promised online-rate threshold and the penalty for a quarter below it. One
-- contract is in force on any day (the domain refuses overlaps); the key figures take their
-- threshold from it. Money in fen. Removing a contract is audited; nothing else changes it.
CREATE TABLE service_contracts (
    id             INTEGER PRIMARY KEY,
    supplier       TEXT    NOT NULL,
    reference      TEXT    NOT NULL DEFAULT '',
    starts_on      TEXT    NOT NULL,
    ends_on        TEXT    NOT NULL CHECK (ends_on >= starts_on),
    price_basis    TEXT    NOT NULL CHECK (price_basis IN ('venue', 'camera')),
    price_fen      INTEGER NOT NULL CHECK (price_fen > 0),
    threshold      REAL    NOT NULL CHECK (threshold > 0 AND threshold <= 1),
    penalty        TEXT    NOT NULL CHECK (penalty IN ('quarter_fixed', 'quarter_share', 'camera_day')),
    penalty_amount INTEGER NOT NULL CHECK (penalty_amount > 0),
    recorded_by    INTEGER REFERENCES users (id),
    recorded_at    TEXT    NOT NULL
);
CREATE INDEX service_contracts_days ON service_contracts (starts_on, ends_on);
