-- Where each arXiv harvest stands, so that a run resumes after a crash and
-- the next run starts from the last datestamp fully harvested.
CREATE TABLE harvest_cursors (
	source        TEXT NOT NULL, -- endpoint and metadata format
	set_spec      TEXT NOT NULL, -- '' for the whole repository
	datestamp     TEXT NOT NULL DEFAULT '', -- last day fully harvested
	run_from      TEXT NOT NULL DEFAULT '', -- the run in progress: its from date
	token         TEXT NOT NULL DEFAULT '', -- … its next resumption token
	run_max       TEXT NOT NULL DEFAULT '', -- … the newest datestamp it has seen
	updated_at    BIGINT NOT NULL,
	PRIMARY KEY (source, set_spec)
);

-- How far a bulk file import has got, by file identity.
CREATE TABLE import_progress (
	source      TEXT PRIMARY KEY,
	byte_offset BIGINT NOT NULL,
	line        BIGINT NOT NULL,
	done        BOOLEAN NOT NULL DEFAULT FALSE,
	updated_at  BIGINT NOT NULL
);

-- One row per ingest run, for the admin page.
CREATE TABLE ingest_runs (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	target      TEXT NOT NULL,
	started_at  BIGINT NOT NULL,
	finished_at BIGINT,
	status      TEXT NOT NULL,
	records     INTEGER NOT NULL DEFAULT 0,
	skipped     INTEGER NOT NULL DEFAULT 0,
	message     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ingest_runs_started ON ingest_runs (started_at);
