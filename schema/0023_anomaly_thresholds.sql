-- 0023: an admin's alert threshold for an event kind's model, moved from
-- the evidence on /admin/model (the false-positive rate of its alerts,
-- how many events each threshold would make findings). It holds until
-- reset, across retrainings; the programs that score pick it up within
-- ten seconds. Audited like every admin change.
CREATE TABLE anomaly_thresholds (
	kind TEXT PRIMARY KEY,
	alert_threshold REAL NOT NULL CHECK (alert_threshold > 0 AND
		alert_threshold < 1),
	reason TEXT NOT NULL,
	set_by INTEGER REFERENCES users(id),
	set_at INTEGER NOT NULL
) WITHOUT ROWID;
