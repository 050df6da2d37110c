-- The annual evaluation report's targets (年度目标值), set in advance as numbers: per scope
-- (`programme` or `office:<id>`), year and indicator (mingchu_domain::report). The domain
-- refuses a change once the year has begun; each change is audited.
CREATE TABLE kpi_targets (
    scope     TEXT    NOT NULL CHECK (scope = 'programme' OR scope LIKE 'office:%'),
    year      INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    indicator TEXT    NOT NULL,
    target    REAL    NOT NULL,
    set_by    INTEGER REFERENCES users (id),
    set_at    TEXT    NOT NULL,
    PRIMARY KEY (scope, year, indicator)
) WITHOUT ROWID;
