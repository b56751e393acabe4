-- 0025: assets the admins tag: a host (by name) or a subnet (CIDR), its
-- owner, how critical it is and whether it is a crown jewel (what an
-- attacker is after). Attack paths score reaching one; the threat score
-- of an incident whose affected systems name one (of critical or crown
-- jewel standing) gets its full asset part. The organisation setting
-- "critical assets" (comma-separated names) becomes rows here.
CREATE TABLE assets (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE, -- host name or CIDR
	owner TEXT NOT NULL DEFAULT '',
	criticality TEXT NOT NULL DEFAULT 'medium'
		CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
	crown_jewel INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER,
	created_at INTEGER NOT NULL,
	changed_at INTEGER NOT NULL
);
WITH RECURSIVE split(item, rest) AS (
	SELECT '', (SELECT value FROM settings WHERE key = 'critical_assets')
		|| ','
	UNION ALL
	SELECT trim(substr(rest, 1, instr(rest, ',') - 1)),
		substr(rest, instr(rest, ',') + 1)
	FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO assets(name, criticality, crown_jewel, created_at,
	changed_at)
SELECT item, 'critical', 1, CAST(strftime('%s', 'now') AS INTEGER),
	CAST(strftime('%s', 'now') AS INTEGER) FROM split WHERE item <> '';
DELETE FROM settings WHERE key = 'critical_assets';
