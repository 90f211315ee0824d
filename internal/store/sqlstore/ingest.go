package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

const saveCursorSQL = `INSERT INTO harvest_cursors (source, set_spec, datestamp, run_from, token, run_max, updated_at)
VALUES ($1,$2,$3,$4,$5,$6,$7)
ON CONFLICT (source, set_spec) DO UPDATE SET datestamp = excluded.datestamp, run_from = excluded.run_from,
	token = excluded.token, run_max = excluded.run_max, updated_at = excluded.updated_at`

const saveProgressSQL = `INSERT INTO import_progress (source, byte_offset, line, done, updated_at)
VALUES ($1,$2,$3,$4,$5)
ON CONFLICT (source) DO UPDATE SET byte_offset = excluded.byte_offset, line = excluded.line,
	done = excluded.done, updated_at = excluded.updated_at`

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func saveCheckpoint(ctx context.Context, tx execer, cp store.Checkpoint, now int64) error {
	if c := cp.Cursor; c != nil {
		if _, err := tx.ExecContext(ctx, saveCursorSQL, c.Source, c.Set, c.Datestamp, c.RunFrom, c.Token, c.RunMax, now); err != nil {
			return fmt.Errorf("store: save harvest cursor: %w", err)
		}
	}
	if p := cp.Progress; p != nil {
		if _, err := tx.ExecContext(ctx, saveProgressSQL, p.Source, p.Offset, p.Line, p.Done, now); err != nil {
			return fmt.Errorf("store: save import progress: %w", err)
		}
	}
	return nil
}

// SaveHarvestCursor implements store.IngestStore.
func (db *DB) SaveHarvestCursor(ctx context.Context, c *store.HarvestCursor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return saveCheckpoint(ctx, tx, store.Checkpoint{Cursor: c}, db.Now().UnixMilli())
	})
}

// FindHarvestCursor implements store.IngestStore.
func (db *DB) FindHarvestCursor(ctx context.Context, source, set string) (*store.HarvestCursor, error) {
	c := store.HarvestCursor{Source: source, Set: set}
	var updated sql.NullInt64
	err := db.W.QueryRowContext(ctx, `SELECT datestamp, run_from, token, run_max, updated_at FROM harvest_cursors
		WHERE source = $1 AND set_spec = $2`, source, set).Scan(&c.Datestamp, &c.RunFrom, &c.Token, &c.RunMax, &updated)
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "no harvest of %s set %q yet", source, set)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find harvest cursor: %w", err)
	}
	c.UpdatedAt = fromMS(updated)
	return &c, nil
}

// FindImportProgress implements store.IngestStore.
func (db *DB) FindImportProgress(ctx context.Context, source string) (*store.ImportProgress, error) {
	p := store.ImportProgress{Source: source}
	err := db.W.QueryRowContext(ctx, `SELECT byte_offset, line, done FROM import_progress WHERE source = $1`, source).
		Scan(&p.Offset, &p.Line, &p.Done)
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "no import of %s yet", source)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find import progress: %w", err)
	}
	return &p, nil
}

// CreateIngestRun implements store.IngestStore.
func (db *DB) CreateIngestRun(ctx context.Context, kind, target string) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO ingest_runs (kind, target, started_at, status) VALUES ($1,$2,$3,'running')
			RETURNING id`, kind, target, db.Now().UnixMilli()).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: create ingest run: %w", err)
	}
	return id, nil
}

// FinishIngestRun implements store.IngestStore.
func (db *DB) FinishIngestRun(ctx context.Context, id int64, status string, records, skipped int, message string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE ingest_runs SET finished_at = $1, status = $2, records = $3, skipped = $4,
			message = $5 WHERE id = $6`, db.Now().UnixMilli(), status, records, skipped, message, id)
		if err != nil {
			return fmt.Errorf("store: finish ingest run %d: %w", id, err)
		}
		return nil
	})
}

// RecentIngestRuns implements store.IngestStore.
func (db *DB) RecentIngestRuns(ctx context.Context, limit int) ([]*store.IngestRun, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, kind, target, started_at, finished_at, status, records, skipped, message
		FROM ingest_runs ORDER BY started_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent ingest runs: %w", err)
	}
	defer rows.Close()
	var out []*store.IngestRun
	for rows.Next() {
		var r store.IngestRun
		var started, finished sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Kind, &r.Target, &started, &finished, &r.Status, &r.Records, &r.Skipped, &r.Message); err != nil {
			return nil, fmt.Errorf("store: scan ingest run: %w", err)
		}
		r.StartedAt, r.FinishedAt = fromMS(started), fromMS(finished)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// PaperEvents implements store.IngestStore.
func (db *DB) PaperEvents(ctx context.Context, id string) ([]store.PaperEvent, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT version, kind, at FROM paper_events WHERE paper_id = $1 ORDER BY version`, id)
	if err != nil {
		return nil, fmt.Errorf("store: paper events %s: %w", id, err)
	}
	defer rows.Close()
	var out []store.PaperEvent
	for rows.Next() {
		var e store.PaperEvent
		var at sql.NullInt64
		if err := rows.Scan(&e.Version, &e.Kind, &at); err != nil {
			return nil, fmt.Errorf("store: scan paper event: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ReplacedBetween implements store.IngestStore.
func (db *DB) ReplacedBetween(ctx context.Context, from, to time.Time) ([]string, error) {
	return db.queryIDs(ctx, "replaced between", `SELECT DISTINCT paper_id FROM paper_events WHERE kind = 'replaced' AND at >= $1 AND at < $2
		ORDER BY paper_id`, from.UnixMilli(), to.UnixMilli())
}
