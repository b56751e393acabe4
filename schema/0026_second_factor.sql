-- 0026: a second factor for signing in (TOTP, RFC 6238). One authenticator
-- per person; the secret is what the app was given (base32), kept here
-- because checking a code needs it; a code's time step is remembered so
-- it works once. Ten recovery codes, stored as SHA-256 hashes, each
-- spent once. A session records when its second factor was last given
-- (NULL: the password only), which the sign-in's second step and the
-- step-up before admin changes read. Admins require a factor of roles.
CREATE TABLE second_factors (
	user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	secret TEXT NOT NULL,
	confirmed_at INTEGER,              -- NULL while being set up
	last_step INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE TABLE recovery_codes (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	used_at INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
ALTER TABLE sessions ADD COLUMN second_factor_at INTEGER;
INSERT INTO settings(key, value) VALUES ('second_factor_roles', '');
