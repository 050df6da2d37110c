-- A status change made from the console carries its reason and who made it (the audit log
-- has the whole entry; this is what the venue's history shows).
ALTER TABLE venue_status_changes ADD COLUMN reason TEXT;
ALTER TABLE venue_status_changes ADD COLUMN changed_by TEXT;
