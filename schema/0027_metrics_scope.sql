-- 0027: a third token scope, "metrics": a token that reads
-- /metrics/prometheus and nothing else (an admin's, for Prometheus). The
-- scope's CHECK is part of the table, so the table is rebuilt (SQLite's
-- documented procedure; nothing references api_tokens).
CREATE TABLE api_tokens_new (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the token
	prefix TEXT NOT NULL,              -- first characters, to recognise it
	scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'metrics')),
	created_at INTEGER NOT NULL,
	expires_at INTEGER,
	last_used_at INTEGER,
	revoked_at INTEGER
);
INSERT INTO api_tokens_new(id, user_id, name, token_hash, prefix, scope,
	created_at, expires_at, last_used_at, revoked_at)
	SELECT id, user_id, name, token_hash, prefix, scope, created_at,
	expires_at, last_used_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX api_tokens_user ON api_tokens(user_id);
