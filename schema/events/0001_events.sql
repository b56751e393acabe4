-- The events database ($SECURA_DATA/events.db, migrations of its own): the
-- security events sources send, in a file of their own so that the
-- intake's commits never empty the page caches behind the incident pages.
-- The columns are what pages filter on; the whole normalised event (its
-- Elastic Common Schema fields, labels, a bounded original) is `doc`.
CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	source_id INTEGER NOT NULL,
	event_id TEXT,                  -- event.id as the source sent it
	ts INTEGER NOT NULL,            -- @timestamp, Unix milliseconds
	ingested INTEGER NOT NULL,      -- event.ingested, Unix milliseconds
	kind TEXT NOT NULL,             -- the source's kind
	category TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL DEFAULT '',
	host TEXT NOT NULL DEFAULT '',
	user_name TEXT NOT NULL DEFAULT '',
	source_ip TEXT NOT NULL DEFAULT '',
	destination_ip TEXT NOT NULL DEFAULT '',
	message TEXT NOT NULL DEFAULT '',
	doc TEXT NOT NULL               -- JSON
);
-- a retried batch is stored once: event.id is unique per source
CREATE UNIQUE INDEX events_once ON events(source_id, event_id)
	WHERE event_id IS NOT NULL;
CREATE INDEX events_time ON events(ts);
CREATE INDEX events_source ON events(source_id, ts);

-- What each source sent: counts, the last event, the last rejections.
CREATE TABLE source_stats (
	source_id INTEGER PRIMARY KEY,
	accepted INTEGER NOT NULL DEFAULT 0,
	rejected INTEGER NOT NULL DEFAULT 0,
	last_event_at INTEGER,
	last_errors TEXT NOT NULL DEFAULT '[]'  -- [{"at", "line", "reason"}], newest first
);
