-- Interests: a collection can be one (the Reading list is by default), and
-- its recommendations learn from its papers and from the papers its owner
-- marked "not interested" for it.
ALTER TABLE collections ADD COLUMN interest BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE collections SET interest = TRUE WHERE slug = 'reading-list';

CREATE TABLE not_interested (
	collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
	paper_id      TEXT NOT NULL REFERENCES papers(id),
	created_at    BIGINT NOT NULL,
	PRIMARY KEY (collection_id, paper_id)
);
