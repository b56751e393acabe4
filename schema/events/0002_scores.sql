-- 0002: every event carries its anomaly score (0 to 1) and the model
-- that gave it, when its source's kind has a model (http-access ships
-- one); never_seen says it had a value the model's training never had.
ALTER TABLE events ADD COLUMN score REAL;
ALTER TABLE events ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN never_seen INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_score ON events(score) WHERE score IS NOT NULL;
