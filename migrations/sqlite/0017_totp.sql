-- The optional second factor (RFC 6238 TOTP): the secret being set up until a first code
-- confirms it, the confirmed secret, and the last time step used (a code works once).
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
