-- 0011: the operational dashboard counts every open incident on each
-- request (metrics_operational). This partial index holds only the open
-- ones, oldest first, with what the dashboard counts (status, severity,
-- assignee), so it reads a few bytes per open incident instead of each
-- row and two joins, and needs no sort: 81 -> 8 ms for 29,619 open
-- incidents in the sqlite3 shell.
CREATE INDEX incidents_open_work ON incidents(created_at, id, status,
	severity, assignee_id) WHERE status IN ('new', 'triage',
	'investigating', 'containment', 'eradication', 'recovery');

-- Its GDPR panel lists the recent personal-data incidents whose authority
-- has not been notified: this one holds only personal-data incidents that
-- were not rejected, so the panel reads those instead of every incident
-- reported in the last 30 days.
CREATE INDEX incidents_personal ON incidents(created_at, noticed_at, id)
	WHERE personal_data = 1 AND status <> 'rejected';
