-- Rate limits kept in the database (--rate-limits=database), so that every
-- replica counts against one bucket per action and key. A bucket is its
-- theoretical arrival time (GCRA): one token is taken by moving tat forward
-- one interval, refused when tat would run more than a burst ahead of now.
-- A row whose tat has passed is a full bucket and may be swept.
CREATE TABLE rate_limits (
	key TEXT PRIMARY KEY,
	tat BIGINT NOT NULL -- milliseconds since the epoch
);
