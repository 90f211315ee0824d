-- Safe on the open internet.
--
-- Local account names are unique whatever their case: "ALICE" cannot sign
-- up beside "alice". (An instance that already holds two local accounts
-- differing only in case fails here, naming this index; rename one with
-- the sqlite3 shell, then start again.)
CREATE UNIQUE INDEX users_local_name ON users (lower(name)) WHERE password_hash <> '';
CREATE INDEX users_name_lower ON users (lower(name));

-- A saved search's feed is reached by a secret, never by its sequential id.
ALTER TABLE saved_searches ADD COLUMN feed_secret TEXT NOT NULL DEFAULT '';
UPDATE saved_searches SET feed_secret = md5(random()::text || clock_timestamp()::text) WHERE feed_secret = '';
CREATE UNIQUE INDEX saved_searches_feed ON saved_searches (feed_secret);

-- Re-subscribing a confirmed address changes nothing until the address
-- confirms: the requested frequency and account wait here.
ALTER TABLE subscriptions ADD COLUMN pending_frequency TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN pending_user TEXT NOT NULL DEFAULT '';

-- A digest is claimed by one sender before its SMTP transaction; a claim
-- whose sender died can be taken over once lease_until has passed.
ALTER TABLE digest_sends ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;

-- /readyz writes here: the one proof that the database takes writes now.
CREATE TABLE readiness (
	id         INTEGER PRIMARY KEY,
	checked_at BIGINT NOT NULL
);
