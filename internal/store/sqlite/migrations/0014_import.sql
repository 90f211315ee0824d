-- Imports into collections. An imported arXiv id that is not stored yet
-- keeps its place in the collection here, at the position the file gave
-- it, until the fetch job brings the paper from arXiv (or gives up after a
-- few tries). Imports also match papers by DOI, hence the index.
CREATE TABLE collection_pending (
	collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
	paper_id      TEXT NOT NULL, -- not yet in papers
	position      BIGINT NOT NULL,
	added_at      BIGINT NOT NULL,
	attempts      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (collection_id, paper_id)
);
CREATE INDEX collection_pending_paper ON collection_pending (paper_id);

CREATE INDEX papers_doi ON papers (lower(doi)) WHERE doi <> '';
