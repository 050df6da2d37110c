-- Who decided on a capture, when, and why it was dismissed (mingchu_domain::review codes).
ALTER TABLE capture_events ADD COLUMN reviewed_by INTEGER REFERENCES users (id);
ALTER TABLE capture_events ADD COLUMN reviewed_at TEXT;
ALTER TABLE capture_events ADD COLUMN dismiss_reason TEXT CHECK (dismiss_reason IS NULL OR dismiss_reason IN
    ('false_pet', 'false_reflection', 'false_staff_on_break', 'false_other', 'not_a_violation'));
