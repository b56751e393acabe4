-- 0012: one queue for the background work people ask for (reports over
-- large periods, questions to the language model, retrainings; later
-- event retention, correlation, OCR). A job names its kind and the row it
-- works on (ref_id in that kind's own table, which keeps the outcome
-- people see); the worker claims due jobs in a committed transaction,
-- reports progress, retries a job that could not run with exponential
-- back-off up to max_attempts, and at start puts back what a killed
-- worker left running (src/domain/jobs.c).
CREATE TABLE jobs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	ref_id INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued',
		'running', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
	run_at INTEGER NOT NULL,
	progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	stage TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	started_at INTEGER,
	finished_at INTEGER
);
CREATE INDEX jobs_due ON jobs(run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_ref ON jobs(kind, ref_id);

-- What was waiting in the three queues of before goes on waiting here
-- (anything left running by a stopped worker runs again).
INSERT INTO jobs(kind, ref_id, run_at, created_at)
	SELECT 'report', id, created_at, created_at FROM report_jobs
	WHERE status IN ('queued', 'running') ORDER BY id;
UPDATE report_jobs SET status = 'queued' WHERE status = 'running';
INSERT INTO jobs(kind, ref_id, run_at, created_at)
	SELECT 'assistant', id, created_at, created_at FROM assistant_requests
	WHERE status IN ('queued', 'running') ORDER BY id;
UPDATE assistant_requests SET status = 'queued' WHERE status = 'running';
INSERT INTO jobs(kind, ref_id, run_at, created_at)
	SELECT 'retrain', id, requested_at, requested_at FROM ml_trainings
	WHERE status IN ('queued', 'running') ORDER BY id;
UPDATE ml_trainings SET status = 'queued' WHERE status = 'running';
