-- The regulator's own reference for an inspection record, so imports can be re-run safely.
ALTER TABLE inspections ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX inspections_external_ref ON inspections (external_ref) WHERE external_ref IS NOT NULL;
