-- Satisfaction, measured: once a complaint is closed its complainant is asked, on its page,
-- whether the problem was resolved and how satisfied they are (1–5). One answer per complaint;
-- the key figures count them instead of a target like "满意".
CREATE TABLE complaint_feedback (
    complaint_id INTEGER PRIMARY KEY REFERENCES complaints (id),
    resolved     INTEGER NOT NULL CHECK (resolved IN (0, 1)),
    satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    comment      TEXT    CHECK (comment IS NULL OR length(comment) <= 500),
    at           TEXT    NOT NULL
);
