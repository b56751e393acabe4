-- 0028: each person's choice of light or dark pages ("system": follow the
-- browser's prefers-color-scheme).
ALTER TABLE users ADD COLUMN theme TEXT NOT NULL DEFAULT 'system'
	CHECK (theme IN ('system', 'light', 'dark'));
