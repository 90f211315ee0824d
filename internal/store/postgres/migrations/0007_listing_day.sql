-- A paper's arXiv listing day: the (UTC) day arXiv announced its first
-- version, from the OAI-PMH datestamp of the record that brought v1 or
-- from the v1 time through arXiv's schedule. Set once; indexed for the
-- "new" lists. Papers stored before this migration are filled at start.
ALTER TABLE papers ADD COLUMN listing_day TEXT;
CREATE INDEX papers_listing_day ON papers (listing_day, id);
