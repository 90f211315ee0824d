-- A reader's library: collections of papers (every user's Reading list is
-- one, made on first use) and, per user and paper, a reading state and a
-- private note. Who may see what is decided above the store (core).
CREATE TABLE collections (
	id          INTEGER PRIMARY KEY,
	owner       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	slug        TEXT NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	private     BOOLEAN NOT NULL DEFAULT TRUE,
	item_order  TEXT NOT NULL DEFAULT 'added',
	next_item   BIGINT NOT NULL DEFAULT 0, -- position of the next item added; the row lock orders adders
	feed_secret TEXT NOT NULL,
	created_at  BIGINT NOT NULL,
	updated_at  BIGINT NOT NULL,
	UNIQUE (owner, slug)
);
CREATE UNIQUE INDEX collections_feed ON collections (feed_secret);

CREATE TABLE collection_items (
	collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
	paper_id      TEXT NOT NULL REFERENCES papers(id),
	position      BIGINT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	added_at      BIGINT NOT NULL,
	PRIMARY KEY (collection_id, paper_id)
);
CREATE INDEX collection_items_order ON collection_items (collection_id, position);
CREATE INDEX collection_items_paper ON collection_items (paper_id);

CREATE TABLE paper_states (
	user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	paper_id   TEXT NOT NULL REFERENCES papers(id),
	read_at    BIGINT, -- NULL: unread
	note       TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (user_name, paper_id)
);
