-- What the replicas of one instance share beyond the data. Keys are made
-- once by whichever replica needs one first (the key that signs e-mailed
-- links); leases let one replica at a time run a scheduled job, and pass
-- to another when the holder dies and stops renewing; a finished run is
-- recorded so that the other replicas do not run it again.
CREATE TABLE instance_keys (
	name       TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE job_leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	done_until BIGINT NOT NULL DEFAULT 0 -- the due time of the last run that succeeded
);
