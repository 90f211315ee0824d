-- Local accounts, sessions, API tokens, votes, comments, author claims and
-- moderation. Users imported from Hugging Face stay rows of users without a
-- password; a local account has one.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
ALTER TABLE users ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN suspended_at BIGINT;
CREATE UNIQUE INDEX users_email ON users (email) WHERE email IS NOT NULL;

-- Votes and local comments add to the counts imported from Hugging Face,
-- which re-imports overwrite.
ALTER TABLE papers ADD COLUMN user_votes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE papers ADD COLUMN user_comments INTEGER NOT NULL DEFAULT 0;
ALTER TABLE papers ADD COLUMN hidden_at BIGINT;
ALTER TABLE papers ADD COLUMN links_added_by TEXT NOT NULL DEFAULT '';

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_name    TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	token_hash   TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	created_at   BIGINT NOT NULL,
	last_used_at BIGINT
);

CREATE TABLE votes (
	user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	paper_id   TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (user_name, paper_id)
);
CREATE INDEX votes_paper ON votes (paper_id, created_at);
CREATE INDEX votes_recent ON votes (created_at);

CREATE TABLE comments (
	id         INTEGER PRIMARY KEY,
	paper_id   TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
	user_name  TEXT NOT NULL REFERENCES users(name),
	parent_id  INTEGER REFERENCES comments(id),
	body       TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	edited_at  BIGINT,
	deleted_at BIGINT,
	hidden_at  BIGINT,
	hidden_by  TEXT
);
CREATE INDEX comments_paper ON comments (paper_id, created_at);

CREATE TABLE author_claims (
	id         INTEGER PRIMARY KEY,
	paper_id   TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	user_name  TEXT NOT NULL REFERENCES users(name),
	status     TEXT NOT NULL DEFAULT 'pending',
	created_at BIGINT NOT NULL,
	decided_by TEXT,
	decided_at BIGINT,
	UNIQUE (paper_id, position, user_name)
);

CREATE TABLE mod_actions (
	id         INTEGER PRIMARY KEY,
	actor      TEXT NOT NULL,
	action     TEXT NOT NULL,
	target     TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX mod_actions_created ON mod_actions (created_at);
