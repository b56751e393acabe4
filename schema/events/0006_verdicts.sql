-- 0006: where a kind's model has a supervised classifier (labels
-- existed where it was trained), every event it scores carries the
-- class it said (benign, suspicious or malicious) and its probability.
ALTER TABLE events ADD COLUMN verdict TEXT;
ALTER TABLE events ADD COLUMN verdict_p REAL;
