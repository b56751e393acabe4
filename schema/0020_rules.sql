-- 0020: detection rules. The rules Secura ships are files in data/rules/
-- (SECURA_RULES); a row here is an admin's change: a shipped file turned
-- off (body NULL), or a file an admin uploaded (its YAML in body). The
-- intake compiles the enabled rules again when `changed` moves. Alerts
-- raised by a rule carry its ATT&CK techniques.
CREATE TABLE rules (
	file TEXT PRIMARY KEY,                -- e.g. brute_force.yml
	origin TEXT NOT NULL CHECK (origin IN ('bundled', 'uploaded')),
	body TEXT,
	enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	changed INTEGER NOT NULL,             -- Unix milliseconds
	changed_by INTEGER REFERENCES users(id)
) WITHOUT ROWID;
ALTER TABLE alerts ADD COLUMN techniques TEXT NOT NULL DEFAULT '[]';
