-- The change feed that the search index and the embeddings follow. With
-- concurrent writers a timestamp cannot order commits: a transaction
-- stamped earlier may commit later, after a reader has passed its stamp.
-- Each paper row carries instead the id of the transaction that last wrote
-- it, and readers take only rows below the oldest transaction still
-- running (pg_snapshot_xmin), which can no longer be joined by a late one.
ALTER TABLE papers ADD COLUMN change_xid BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION papers_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.change_xid := pg_current_xact_id()::text::bigint;
	RETURN NEW;
END
$$;

CREATE TRIGGER papers_change_xid BEFORE INSERT OR UPDATE ON papers
	FOR EACH ROW EXECUTE FUNCTION papers_change_xid();

CREATE INDEX papers_change ON papers (change_xid, id);
