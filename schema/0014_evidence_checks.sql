-- 0014: an evidence file's structure is checked, not only its first
-- bytes (src/domain/filecheck.c); the check it passed is kept with it.
ALTER TABLE evidence ADD COLUMN checked TEXT NOT NULL DEFAULT '';
