-- 0015: the sources that send security events (scripts, log shippers,
-- sensors). Each has a token shown once and stored as its SHA-256; a
-- disabled source's token is refused at once. What a source sent (counts,
-- last event, rejected lines) is kept in the events database beside its
-- events, so the intake never writes to this file.
CREATE TABLE event_sources (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('auth', 'network-flow',
		'http-access', 'endpoint', 'generic')),
	token_hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,                   -- the token's first characters
	enabled INTEGER NOT NULL DEFAULT 1,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	changed_at INTEGER NOT NULL
);
