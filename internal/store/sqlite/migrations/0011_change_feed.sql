-- The change feed that the search index and the embeddings follow. On
-- SQLite writers take turns (one write lock), so papers.updated_at, stamped
-- under that lock, already orders commits, with papers_updated as its index
-- (0001). This step exists so that both dialects hold the same numbered
-- steps; PostgreSQL's 0011 adds the column its feed needs.
SELECT 1;
