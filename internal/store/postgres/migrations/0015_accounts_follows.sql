-- A deleted account stays as a tombstone: its name cannot be taken by
-- someone else (who could then pass for its author), its comments show as
-- by a deleted user, and everything else it owned is gone.
ALTER TABLE users ADD COLUMN deleted_at BIGINT;

-- What a reader follows: an organization, a user (their claimed papers) or
-- an author name. Names are ambiguous, so a followed name can leave out
-- papers that matched someone else of that name.
CREATE TABLE follows (
	user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	kind       TEXT NOT NULL, -- org, user or author
	target     TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (user_name, kind, target)
);

CREATE TABLE follow_excludes (
	user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	author     TEXT NOT NULL,
	paper_id   TEXT NOT NULL,
	PRIMARY KEY (user_name, author, paper_id)
);

-- A restored archive brings item notes, also for papers still to fetch.
ALTER TABLE collection_pending ADD COLUMN note TEXT NOT NULL DEFAULT '';
