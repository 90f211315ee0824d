-- What the replicas of one instance share beyond the data. Keys are made
-- once by whichever replica needs one first (the key that signs e-mailed
-- links); leases let one replica at a time run a scheduled job, and pass
-- to another when the holder dies and stops renewing.
CREATE TABLE instance_keys (
	name       TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE job_leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
