-- The replacements of a listing day are the new versions submitted in its
-- window: found by time.
CREATE INDEX paper_events_at ON paper_events (kind, at);
