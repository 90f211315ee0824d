package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// PaperChanges implements store.PaperStore: the positions first, in one
// indexed range scan, then the papers by id. A paper that changes between
// the two reads comes back newer, and again at its new position.
func (db *DB) PaperChanges(ctx context.Context, after store.ChangeCursor, limit int) ([]store.PaperChange, error) {
	col, bound, _ := db.Dialect.ChangeFeed()
	rows, err := db.R.QueryContext(ctx, `SELECT `+col+`, p.id FROM papers p
		WHERE (`+col+` > $1 OR (`+col+` = $1 AND p.id > $2))`+bound+`
		ORDER BY `+col+`, p.id LIMIT $3`, after.Seq, after.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: paper changes: %w", err)
	}
	defer rows.Close()
	var out []store.PaperChange
	var ids []string
	for rows.Next() {
		var c store.PaperChange
		if err := rows.Scan(&c.At.Seq, &c.At.ID); err != nil {
			return nil, fmt.Errorf("store: paper changes: %w", err)
		}
		out, ids = append(out, c), append(ids, c.At.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: paper changes: %w", err)
	}
	rows.Close()
	if len(ids) == 0 {
		return nil, nil
	}
	ps, err := db.findPapers(ctx, db.R, store.PaperFilter{IDs: ids})
	if err != nil {
		return nil, fmt.Errorf("store: paper changes: %w", err)
	}
	byID := make(map[string]*model.Paper, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	kept := out[:0]
	for _, c := range out {
		if c.Paper = byID[c.At.ID]; c.Paper != nil { // papers are never deleted, but be safe
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// stamp is the updated_at of a transaction that writes papers. Where the
// feed is ordered by it (SQLite), it is later than every stamp already
// committed: writers take turns, so with no ties between transactions a
// follower that has read up to a stamp has every row that will ever carry
// one as small (two commits in one millisecond, the second with the smaller
// paper id, were skipped before: the concurrency case found it).
func (db *DB) stamp(ctx context.Context, tx *sql.Tx) (int64, error) {
	now := db.Now().UnixMilli()
	if _, bound, _ := db.Dialect.ChangeFeed(); bound != "" {
		return now, nil
	}
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(updated_at) FROM papers`).Scan(&last); err != nil {
		return 0, fmt.Errorf("stamp: %w", err)
	}
	return max(now, last.Int64+1), nil
}

// stampArg stands for the transaction's stamp in db.exec's arguments.
type stampArg struct{}

// ChangeFeedID implements store.PaperStore: the backend's kind and a
// random id made once per database, so that a cursor from a copy of the
// data in another database is recognised as foreign.
func (db *DB) ChangeFeedID(ctx context.Context) (string, error) {
	_, _, kind := db.Dialect.ChangeFeed()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id, err := db.InstanceKey(ctx, changeFeedKey, hex.EncodeToString(b))
	if err != nil {
		return "", err
	}
	return kind + "/" + id, nil
}

// changeFeedKey is the instance key naming this database's feed; quire
// copy leaves it behind.
const changeFeedKey = "change-feed"
