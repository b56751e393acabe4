-- 0005: the graphs, kept as the events arrive (in the intake's
-- transaction). A sign-in is an edge from the host it came from to the
-- host it reached, for a user and logon type (auth_edges); its hours
-- (auth_hops: the first and last time in each hour, successes and
-- failures) are what time-respecting paths walk. A flow is an edge from
-- one address to another's port (net_edges). host_ips says which host an
-- address is, as events declared it (host.ip, a Windows sign-in's
-- workstation name and address). Hosts are lower case, without a domain.
CREATE TABLE auth_edges (
	id INTEGER PRIMARY KEY,
	src TEXT NOT NULL,              -- host name, or an address no event named
	dst TEXT NOT NULL,
	user_name TEXT NOT NULL,
	logon_type TEXT NOT NULL,
	first_seen INTEGER NOT NULL,    -- Unix milliseconds
	last_seen INTEGER NOT NULL,
	successes INTEGER NOT NULL DEFAULT 0,
	failures INTEGER NOT NULL DEFAULT 0,
	UNIQUE (src, dst, user_name, logon_type)
);
CREATE INDEX auth_edges_dst ON auth_edges(dst);
CREATE INDEX auth_edges_user ON auth_edges(user_name);
CREATE TABLE auth_hops (
	edge_id INTEGER NOT NULL,
	hour INTEGER NOT NULL,          -- Unix seconds / 3600
	first INTEGER NOT NULL,         -- ms
	last INTEGER NOT NULL,
	successes INTEGER NOT NULL DEFAULT 0,
	failures INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (edge_id, hour)
) WITHOUT ROWID;
CREATE INDEX auth_hops_hour ON auth_hops(hour);
CREATE TABLE net_edges (
	src_ip TEXT NOT NULL,
	dst_ip TEXT NOT NULL,
	dst_port INTEGER NOT NULL,
	transport TEXT NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	connections INTEGER NOT NULL DEFAULT 0,
	bytes INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (src_ip, dst_ip, dst_port, transport)
) WITHOUT ROWID;
CREATE INDEX net_edges_last ON net_edges(last_seen);
CREATE TABLE host_ips (
	ip TEXT PRIMARY KEY,
	host TEXT NOT NULL,
	last_seen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX host_ips_host ON host_ips(host);
-- Where events came from (source.ip), by kind: what the threat map
-- counts by country. And each person's events a day by kind, for their
-- behaviour page.
CREATE TABLE source_ips (
	ip TEXT NOT NULL,
	kind TEXT NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	failures INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (ip, kind)
) WITHOUT ROWID;
CREATE INDEX source_ips_last ON source_ips(last_seen);
CREATE TABLE user_days (
	user_name TEXT NOT NULL,
	day INTEGER NOT NULL,           -- Unix seconds / 86400
	kind TEXT NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_name, day, kind)
) WITHOUT ROWID;
-- Where the background looks resumed (the events' id they read up to),
-- and what was flagged (a path by its edges' ids, a person's unusual
-- sign-ins by person, reason and hour), so each is a finding once.
CREATE TABLE cursors (
	name TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE flagged (
	key TEXT PRIMARY KEY,
	score REAL NOT NULL,
	at INTEGER NOT NULL
) WITHOUT ROWID;
