-- E-mail digests: subscriptions with double opt-in, saved searches, and the
-- send log that makes a digest run resumable and idempotent.
CREATE TABLE subscriptions (
	id              INTEGER PRIMARY KEY,
	email           TEXT NOT NULL UNIQUE,
	frequency       TEXT NOT NULL,            -- daily or weekly
	status          TEXT NOT NULL,            -- pending, active, unsubscribed, bouncing
	user_name       TEXT REFERENCES users(name) ON DELETE SET NULL,
	created_at      BIGINT NOT NULL,
	confirmed_at    BIGINT,
	unsubscribed_at BIGINT,
	failures        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subscriptions_status ON subscriptions (status, frequency, id);

CREATE TABLE saved_searches (
	id         INTEGER PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	query      TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (user_name, query)
);

-- One row per (subscription, period): 'sending' is written before the SMTP
-- transaction and 'sent' after it.
CREATE TABLE digest_sends (
	subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
	period          TEXT NOT NULL, -- daily:2026-11-27, weekly:2026-W48
	status          TEXT NOT NULL,
	message_id      TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	updated_at      BIGINT NOT NULL,
	PRIMARY KEY (subscription_id, period)
);
