-- Papers with their authors, organizations and the users that submit or claim
-- them. Times are Unix milliseconds (BIGINT), days are 'YYYY-MM-DD' text: both
-- sort correctly and read the same in SQLite and PostgreSQL. Authors and
-- versions are JSON lists on the paper row: they are always read and written
-- with it, and one row per paper keeps bulk imports and list pages fast.
CREATE TABLE organizations (
	name      TEXT PRIMARY KEY,
	object_id TEXT NOT NULL,
	fullname  TEXT NOT NULL DEFAULT '',
	avatar    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
	name       TEXT PRIMARY KEY,
	object_id  TEXT NOT NULL,
	fullname   TEXT NOT NULL DEFAULT '',
	avatar_url TEXT NOT NULL DEFAULT '',
	type       TEXT NOT NULL DEFAULT 'user',
	is_pro     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE papers (
	id                   TEXT PRIMARY KEY,
	title                TEXT NOT NULL,
	summary              TEXT NOT NULL DEFAULT '',
	authors              TEXT NOT NULL DEFAULT '[]',
	authors_source       TEXT NOT NULL DEFAULT '',
	published_at         BIGINT,
	-- Hugging Face daily-list fields
	upvotes              INTEGER NOT NULL DEFAULT 0,
	num_comments         INTEGER NOT NULL DEFAULT 0,
	discussion_id        TEXT NOT NULL DEFAULT '',
	github_repo          TEXT NOT NULL DEFAULT '',
	github_repo_added_by TEXT NOT NULL DEFAULT '',
	github_stars         INTEGER,
	project_page         TEXT NOT NULL DEFAULT '',
	ai_summary           TEXT NOT NULL DEFAULT '',
	ai_keywords          TEXT NOT NULL DEFAULT '',
	ai_summary_model     TEXT NOT NULL DEFAULT '',
	thumbnail            TEXT NOT NULL DEFAULT '',
	media_urls           TEXT NOT NULL DEFAULT '',
	organization         TEXT REFERENCES organizations(name),
	daily_date           TEXT,
	submitted_at         BIGINT,
	on_daily_at          BIGINT,
	submitted_by         TEXT REFERENCES users(name),
	author_participating BOOLEAN NOT NULL DEFAULT FALSE,
	-- arXiv fields
	categories           TEXT NOT NULL DEFAULT '',
	comments             TEXT NOT NULL DEFAULT '',
	journal_ref          TEXT NOT NULL DEFAULT '',
	doi                  TEXT NOT NULL DEFAULT '',
	report_no            TEXT NOT NULL DEFAULT '',
	license              TEXT NOT NULL DEFAULT '',
	submitter            TEXT NOT NULL DEFAULT '',
	versions             TEXT NOT NULL DEFAULT '[]',
	latest_version       INTEGER NOT NULL DEFAULT 0,
	updated_at           BIGINT NOT NULL
);

CREATE INDEX papers_daily ON papers (daily_date, upvotes DESC);
CREATE INDEX papers_submitted ON papers (submitted_at);
CREATE INDEX papers_published ON papers (published_at);
CREATE INDEX papers_organization ON papers (organization, daily_date);
CREATE INDEX papers_submitter ON papers (submitted_by);
CREATE INDEX papers_updated ON papers (updated_at, id);

-- A new arXiv version of a paper already stored: kept as an event.
CREATE TABLE paper_events (
	paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
	version  INTEGER NOT NULL,
	kind     TEXT NOT NULL,
	at       BIGINT NOT NULL,
	PRIMARY KEY (paper_id, version, kind)
);
