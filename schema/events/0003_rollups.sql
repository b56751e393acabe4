-- 0003: a generic source's events take their kind from event.category,
-- so every kind is scored by its own model; an event over its model's
-- threshold keeps the features that weighed most (why: JSON
-- [{"feature", "share"}]). Per-minute rollups feed the charts, which
-- never scan raw events: counts by source, kind and outcome, the
-- anomalies, and the score histogram in tenths (h0 = [0, 0.1) ...).
ALTER TABLE events ADD COLUMN why TEXT;
CREATE TABLE event_minutes (
	minute INTEGER NOT NULL,        -- Unix seconds / 60
	source_id INTEGER NOT NULL,
	kind TEXT NOT NULL,
	outcome TEXT NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	anomalies INTEGER NOT NULL DEFAULT 0,
	scored INTEGER NOT NULL DEFAULT 0,
	h0 INTEGER NOT NULL DEFAULT 0, h1 INTEGER NOT NULL DEFAULT 0,
	h2 INTEGER NOT NULL DEFAULT 0, h3 INTEGER NOT NULL DEFAULT 0,
	h4 INTEGER NOT NULL DEFAULT 0, h5 INTEGER NOT NULL DEFAULT 0,
	h6 INTEGER NOT NULL DEFAULT 0, h7 INTEGER NOT NULL DEFAULT 0,
	h8 INTEGER NOT NULL DEFAULT 0, h9 INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (minute, source_id, kind, outcome)
) WITHOUT ROWID;
