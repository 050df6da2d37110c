-- The public catalogue: jurisdictions, venues, licences, inspections, ratings, cameras.
-- Codes are the stable enum codes of app::domain; CHECK constraints keep them honest.

CREATE TABLE jurisdictions (
    id          INTEGER PRIMARY KEY,
    -- Administrative division code: 6 digits for a district, 9 for a street/town.
    code        TEXT    NOT NULL UNIQUE CHECK (length(code) IN (6, 9) AND code NOT GLOB '*[^0-9]*'),
    name        TEXT    NOT NULL,
    parent_id   INTEGER REFERENCES jurisdictions (id)
);

CREATE TABLE supervision_offices (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    jurisdiction_id INTEGER NOT NULL REFERENCES jurisdictions (id)
);

CREATE TABLE venues (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('restaurant', 'school_canteen', 'elderly_meal_point', 'central_kitchen', 'other')),
    credit_code     TEXT    UNIQUE CHECK (credit_code IS NULL OR length(credit_code) = 18),
    jurisdiction_id INTEGER NOT NULL REFERENCES jurisdictions (id),
    address         TEXT    NOT NULL,
    -- WGS84 degrees.
    latitude        REAL    CHECK (latitude BETWEEN -90 AND 90),
    longitude       REAL    CHECK (longitude BETWEEN -180 AND 180),
    status          TEXT    NOT NULL CHECK (status IN ('operating', 'suspended', 'closed')),
    is_key_venue    INTEGER NOT NULL DEFAULT 0 CHECK (is_key_venue IN (0, 1)),
    connected_on    TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX venues_jurisdiction ON venues (jurisdiction_id);

CREATE TABLE licences (
    id                   INTEGER PRIMARY KEY,
    venue_id             INTEGER NOT NULL REFERENCES venues (id),
    number               TEXT    NOT NULL UNIQUE CHECK (number GLOB 'JY[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
    holder               TEXT    NOT NULL,
    legal_representative TEXT    NOT NULL,
    premises             TEXT    NOT NULL,
    business_items       TEXT    NOT NULL,
    issued_on            TEXT    NOT NULL,
    valid_until          TEXT    NOT NULL CHECK (valid_until > issued_on),
    authority            TEXT    NOT NULL
);
CREATE INDEX licences_venue ON licences (venue_id);

CREATE TABLE inspections (
    id            INTEGER PRIMARY KEY,
    venue_id      INTEGER NOT NULL REFERENCES venues (id),
    office_id     INTEGER NOT NULL REFERENCES supervision_offices (id),
    inspected_on  TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('routine', 'follow_up', 'complaint', 'special')),
    -- NULL while the venue is too new to be graded (first 3 months after licensing).
    dynamic_grade TEXT    CHECK (dynamic_grade IS NULL OR dynamic_grade IN ('excellent', 'good', 'fair'))
);
CREATE INDEX inspections_venue_date ON inspections (venue_id, inspected_on DESC);

CREATE TABLE findings (
    id            INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    item          TEXT    NOT NULL,
    severity      TEXT    NOT NULL CHECK (severity IN ('critical', 'general')),
    points        INTEGER NOT NULL CHECK (points >= 0),
    remark        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX findings_inspection ON findings (inspection_id);

CREATE TABLE annual_ratings (
    id            INTEGER PRIMARY KEY,
    venue_id      INTEGER NOT NULL REFERENCES venues (id),
    year          INTEGER NOT NULL,
    grade         TEXT    NOT NULL CHECK (grade IN ('A', 'B', 'C')),
    UNIQUE (venue_id, year)
);

CREATE TABLE cameras (
    id            INTEGER PRIMARY KEY,
    venue_id      INTEGER NOT NULL REFERENCES venues (id),
    name          TEXT    NOT NULL,
    area          TEXT    NOT NULL CHECK (area IN ('special_room', 'cooking', 'rough_prep', 'cutting', 'dishwashing', 'serving', 'storage', 'staple_food')),
    is_public     INTEGER NOT NULL DEFAULT 1 CHECK (is_public IN (0, 1)),
    -- NULL for the built-in synthetic camera; otherwise an rtsp:// URL (may hold credentials:
    -- never send it to a browser or a log).
    source_url    TEXT,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX cameras_venue ON cameras (venue_id);
