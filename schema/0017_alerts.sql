-- 0017: alerts. A finding (an event over its kind's model threshold or
-- with a value never seen in training, or an event that already carries
-- a detection: event.kind "alert") is folded by the worker into the open
-- alert of the same detector and group (the entity it is about) seen in
-- the last 15 minutes - its count and last_seen rise - or raises a new
-- one. An alert keeps up to 20 copies of its events, so event retention
-- never empties it. People work alerts here, in the main database; the
-- intake never writes this file.
CREATE TABLE alerts (
	id INTEGER PRIMARY KEY,
	detector TEXT NOT NULL,          -- 'model:auth', 'detection:<rule>'
	title TEXT NOT NULL,
	kind TEXT NOT NULL,              -- the events' kind
	group_key TEXT NOT NULL,         -- 'source.ip=203.0.113.7'
	severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium',
		'high', 'critical')),
	risk INTEGER NOT NULL CHECK (risk BETWEEN 0 AND 100),
	status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new',
		'acknowledged', 'investigating', 'closed')),
	reason TEXT NOT NULL DEFAULT '' CHECK (reason IN ('', 'true_positive',
		'false_positive', 'benign', 'duplicate')),
	count INTEGER NOT NULL DEFAULT 1,
	first_seen INTEGER NOT NULL,     -- event time, Unix ms
	last_seen INTEGER NOT NULL,
	source_id INTEGER,
	host TEXT NOT NULL DEFAULT '',
	user_name TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	why TEXT NOT NULL DEFAULT '[]',  -- the first finding's reasons
	events TEXT NOT NULL DEFAULT '[]', -- up to 20 of its events
	incident_id INTEGER REFERENCES incidents(id),
	created_at INTEGER NOT NULL,
	changed_at INTEGER NOT NULL
);
-- the fold looks up the open alert of a detector and group
CREATE INDEX alerts_open ON alerts(detector, group_key, last_seen)
	WHERE status <> 'closed';
CREATE INDEX alerts_recent ON alerts(last_seen);
CREATE INDEX alerts_status ON alerts(status, last_seen);

-- Every change of an alert: raised, status (with the reason and a note),
-- promoted; who and when.
CREATE TABLE alert_history (
	id INTEGER PRIMARY KEY,
	alert_id INTEGER NOT NULL REFERENCES alerts(id),
	at INTEGER NOT NULL,
	user_id INTEGER REFERENCES users(id),  -- NULL: the worker
	action TEXT NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_history_alert ON alert_history(alert_id, id);

-- How far the worker has read the events database's findings.
CREATE TABLE alert_cursor (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_event INTEGER NOT NULL
);
