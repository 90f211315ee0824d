-- The secret of a reader's personal feeds (what they follow), made on first
-- use; a new secret revokes the old URLs.
CREATE TABLE user_feeds (
	user_name TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE,
	secret    TEXT NOT NULL UNIQUE
);
