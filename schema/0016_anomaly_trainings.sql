-- 0016: the anomaly models of the event kinds are retrained from stored
-- events like the text models from labels, with one history: the
-- trainings table takes their kinds and how many days of events a
-- training reads (SQLite cannot change a CHECK, so the table is rebuilt
-- with its index and trigger).
CREATE TABLE ml_trainings_new (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('category', 'severity', 'auth',
		'network-flow', 'http-access')),
	status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued',
		'running', 'adopted', 'rejected', 'failed')),
	requested_by INTEGER REFERENCES users(id),
	requested_at INTEGER NOT NULL,
	started_at INTEGER,
	finished_at INTEGER,
	rows INTEGER NOT NULL DEFAULT 0,
	metrics TEXT NOT NULL DEFAULT '{}',    -- {"new": {...}, "current": {...}}
	path TEXT NOT NULL DEFAULT '',         -- the adopted model file
	message TEXT NOT NULL DEFAULT '',
	days INTEGER NOT NULL DEFAULT 0        -- anomaly models: days of events read
);
INSERT INTO ml_trainings_new(id, kind, status, requested_by, requested_at,
	started_at, finished_at, rows, metrics, path, message)
	SELECT id, kind, status, requested_by, requested_at, started_at,
	finished_at, rows, metrics, path, message FROM ml_trainings;
DROP TABLE ml_trainings;
ALTER TABLE ml_trainings_new RENAME TO ml_trainings;
CREATE INDEX ml_trainings_kind ON ml_trainings(kind, status, id);
CREATE TRIGGER similar_due_model AFTER UPDATE OF status ON ml_trainings
WHEN NEW.status = 'adopted' AND NEW.kind = 'category' BEGIN
	INSERT INTO similar_due(incident_id) SELECT id FROM incidents WHERE 1
	ON CONFLICT DO UPDATE SET v = v + 1;
END;
