package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// reserve moves the collection's next position on by n under its row lock
// (counting a change of the interest) and returns the first reserved
// position.
func reserve(ctx context.Context, tx *sql.Tx, collectionID int64, n int, at time.Time) (int64, error) {
	var end int64
	err := tx.QueryRowContext(ctx, `UPDATE collections SET next_item = next_item + $2, updated_at = $3, version = version + 1 WHERE id = $1 RETURNING next_item`,
		collectionID, n, at.UnixMilli()).Scan(&end)
	if isNotFound(err) {
		return 0, model.Errorf(model.ENOTFOUND, "no such collection")
	}
	return end - int64(n), err
}

// ImportItems implements store.LibraryStore.
func (db *DB) ImportItems(ctx context.Context, collectionID int64, items []store.ImportItem, at time.Time) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	added := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		first, err := reserve(ctx, tx, collectionID, len(items), at)
		if err != nil {
			return err
		}
		// Multi-row inserts keep a 10,000-entry import to a few statements.
		const batch = 500
		for lo := 0; lo < len(items); lo += batch {
			var stored, pending []string
			var sargs, pargs []any
			for i, it := range items[lo:min(lo+batch, len(items))] {
				pos, added := first+int64(lo+i), at
				if !it.AddedAt.IsZero() {
					added = it.AddedAt
				}
				row := []any{collectionID, it.PaperID, pos, it.Note, added.UnixMilli()}
				if it.Pending {
					pargs = append(pargs, row...)
					pending = append(pending, valuesRow(len(pargs), len(row)))
				} else {
					sargs = append(sargs, row...)
					stored = append(stored, valuesRow(len(sargs), len(row)))
				}
			}
			if len(stored) > 0 {
				res, err := tx.ExecContext(ctx, `INSERT INTO collection_items (collection_id, paper_id, position, note, added_at) VALUES `+
					strings.Join(stored, ",")+` ON CONFLICT (collection_id, paper_id) DO NOTHING`, sargs...)
				if err != nil {
					return err
				}
				n, _ := res.RowsAffected()
				added += int(n)
			}
			if len(pending) > 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO collection_pending (collection_id, paper_id, position, note, added_at) VALUES `+
					strings.Join(pending, ",")+` ON CONFLICT (collection_id, paper_id) DO NOTHING`, pargs...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: import into collection %d: %w", collectionID, err)
	}
	return added, nil
}

// PendingPapers implements store.LibraryStore.
func (db *DB) PendingPapers(ctx context.Context, limit int) ([]string, error) {
	return db.queryIDs(ctx, "pending papers", `SELECT paper_id FROM collection_pending
		GROUP BY paper_id ORDER BY MIN(added_at), paper_id LIMIT $1`, limit)
}

// ResolvePending implements store.LibraryStore.
func (db *DB) ResolvePending(ctx context.Context, ids []string, maxTries int) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	resolved := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		args := []any{}
		in := placeholders(&args, ids)
		res, err := tx.ExecContext(ctx, `INSERT INTO collection_items (collection_id, paper_id, position, note, added_at)
			SELECT c.collection_id, c.paper_id, c.position, c.note, c.added_at FROM collection_pending c JOIN papers p ON p.id = c.paper_id
			WHERE c.paper_id IN (`+in+`) ON CONFLICT (collection_id, paper_id) DO NOTHING`, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		resolved = int(n)
		if _, err := tx.ExecContext(ctx, `UPDATE collections SET version = version + 1 WHERE id IN (SELECT c.collection_id
			FROM collection_pending c JOIN papers p ON p.id = c.paper_id WHERE c.paper_id IN (`+in+`))`, args...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM collection_pending WHERE paper_id IN (`+in+`)
			AND EXISTS (SELECT 1 FROM papers p WHERE p.id = collection_pending.paper_id)`, args...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE collection_pending SET attempts = attempts + 1 WHERE paper_id IN (`+in+`)`, args...); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM collection_pending WHERE attempts >= $1`, maxTries)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: resolve pending papers: %w", err)
	}
	return resolved, nil
}

// CollectionPending implements store.LibraryStore.
func (db *DB) CollectionPending(ctx context.Context, collectionID int64) (int, error) {
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM collection_pending WHERE collection_id = $1`, collectionID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: pending of collection %d: %w", collectionID, err)
	}
	return n, nil
}

// PaperIDsByDOI implements store.LibraryStore.
func (db *DB) PaperIDsByDOI(ctx context.Context, dois []string) (map[string]string, error) {
	out := map[string]string{}
	for lo := 0; lo < len(dois); lo += 500 {
		args := []any{}
		rows, err := db.R.QueryContext(ctx, `SELECT lower(doi), id FROM papers WHERE doi <> '' AND lower(doi) IN (`+
			placeholders(&args, dois[lo:min(lo+500, len(dois))])+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: papers by DOI: %w", err)
		}
		for rows.Next() {
			var doi, id string
			if err := rows.Scan(&doi, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[doi] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// valuesRow is the placeholder row "($n-k+1,…,$n)" of the last k arguments.
func valuesRow(n, k int) string {
	ph := make([]string, k)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", n-k+1+i)
	}
	return "(" + strings.Join(ph, ",") + ")"
}
