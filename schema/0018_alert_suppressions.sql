-- 0018: suppressions. "Suppress similar" on an alert stops its detector's
-- findings about its entity from alerting until the expiry (or until an
-- admin ends it): they are counted here, not alerted. Audited like every
-- change.
CREATE TABLE alert_suppressions (
	id INTEGER PRIMARY KEY,
	detector TEXT NOT NULL,
	group_key TEXT NOT NULL,
	reason TEXT NOT NULL,
	alert_id INTEGER REFERENCES alerts(id),  -- the alert it came from
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,             -- Unix seconds
	ended_at INTEGER,                        -- ended early by an admin
	suppressed INTEGER NOT NULL DEFAULT 0    -- findings not alerted
);
CREATE INDEX alert_suppressions_key ON alert_suppressions(detector,
	group_key, expires_at) WHERE ended_at IS NULL;
