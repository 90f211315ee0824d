-- Recommendations kept between requests. An interest's version counts the
-- changes to what its model learns from (its papers, its "not interested"
-- marks, its keywords); a stored ranking names the version its model was
-- trained on, so a stale one is known without comparing contents.
ALTER TABLE collections ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
-- Keywords start an interest before it holds papers (a cold start).
ALTER TABLE collections ADD COLUMN keywords TEXT NOT NULL DEFAULT '';

-- Per interest: its trained model and its ranking of the recent papers,
-- both encoded by package recommend. rev counts writes: the batch job and
-- a retrain replace a row only if it is still the one they read.
CREATE TABLE interest_rankings (
	collection_id BIGINT PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE,
	version       BIGINT NOT NULL,
	rev           BIGINT NOT NULL,
	model         BLOB NOT NULL,
	ranking       BLOB NOT NULL,
	updated_at    BIGINT NOT NULL
);

-- How far a job has followed the change feed of papers (the feed id tells
-- a cursor from another database).
CREATE TABLE feed_cursors (
	name TEXT PRIMARY KEY,
	feed TEXT NOT NULL,
	seq  BIGINT NOT NULL,
	id   TEXT NOT NULL
);

-- A reader's choices for /for-you: the share of community upvotes in the
-- order (0–100) and one merged list rather than a section per interest.
CREATE TABLE foryou_prefs (
	user_name TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE,
	mix       INTEGER NOT NULL DEFAULT 0,
	merged    BOOLEAN NOT NULL DEFAULT FALSE
);
