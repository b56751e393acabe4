-- 0001: people, sessions, API tokens, login throttling and the audit log.
-- Times are Unix seconds (UTC).

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name TEXT NOT NULL DEFAULT '',
	department TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL CHECK (role IN ('employee', 'analyst', 'lead', 'manager', 'admin')),
	password_hash TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	last_login_at INTEGER
);
CREATE INDEX users_role ON users(role, active);

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the cookie value
	csrf TEXT NOT NULL,                -- form token tied to this session
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,     -- idle expiry counts from here
	expires_at INTEGER NOT NULL,       -- absolute expiry
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the token
	prefix TEXT NOT NULL,              -- first characters, to recognise it
	scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
	created_at INTEGER NOT NULL,
	expires_at INTEGER,
	last_used_at INTEGER,
	revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_failures (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('account', 'address')),
	key TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(kind, key, at);

-- Append-only: each row carries the SHA-256 of the previous row's hash
-- and its own fields, so any edit or deletion breaks the chain.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor_id INTEGER,
	actor_email TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '{}',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
