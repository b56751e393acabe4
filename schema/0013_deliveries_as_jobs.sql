-- 0013: deliveries go through the jobs queue (0012) like all background
-- work: a delivery is a job of kind 'delivery' about its outbox row; the
-- row keeps the message and what admins see (state, attempts, next
-- attempt, last error), the job its claim, retries and back-off. What
-- was waiting, or left sending by a stopped worker, waits as a job; a
-- dead delivery is a failed job (an admin's retry queues it again).
INSERT INTO jobs(kind, ref_id, state, attempts, max_attempts, run_at, error,
		 created_at)
	SELECT 'delivery', id,
		CASE state WHEN 'dead' THEN 'failed' ELSE 'queued' END,
		CASE state WHEN 'sending' THEN max(attempts - 1, 0) ELSE attempts END,
		max(attempts, 8), next_at, last_error, created_at
	FROM outbox WHERE state IN ('pending', 'sending', 'dead') ORDER BY id;
UPDATE outbox SET state = 'pending' WHERE state = 'sending';
DROP INDEX outbox_due;
CREATE INDEX outbox_state ON outbox(state, id);
