-- Each Hugging Face sync that finds a paper's upvote count grown records
-- the growth with its time, so trending measures the recent velocity of
-- synced papers as it does for local votes.
CREATE TABLE hf_upvote_changes (
	paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
	at       BIGINT NOT NULL,
	delta    INTEGER NOT NULL
);
CREATE INDEX hf_upvote_changes_at ON hf_upvote_changes (at);
