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

// Vote implements store.VoteStore. The primary key (user, paper) makes a
// second vote a no-op even when requests race; the counter moves only when
// a row was really added.
func (db *DB) Vote(ctx context.Context, user, paperID string) (store.VoteResult, error) {
	return db.toggleVote(ctx, user, paperID, true)
}

// Unvote implements store.VoteStore.
func (db *DB) Unvote(ctx context.Context, user, paperID string) (store.VoteResult, error) {
	return db.toggleVote(ctx, user, paperID, false)
}

// voteState is what a vote reads back of its paper.
const voteState = `upvotes + user_votes, daily_date IS NOT NULL, hidden_at IS NOT NULL, published_at`

// toggleVote is two statements when the vote changes something: the vote
// row (added only if the paper exists) and the paper's counter, which
// returns the paper's state. Each round trip counts on PostgreSQL.
func (db *DB) toggleVote(ctx context.Context, user, paperID string, on bool) (store.VoteResult, error) {
	var res store.VoteResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now().UnixMilli()
		var r sql.Result
		var err error
		delta := 1
		if on {
			// SQLite needs the WHERE to read ON CONFLICT as the upsert.
			r, err = tx.ExecContext(ctx, `INSERT INTO votes (user_name, paper_id, created_at)
				SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS BIGINT) WHERE EXISTS (SELECT 1 FROM papers WHERE id = $2)
				ON CONFLICT (user_name, paper_id) DO NOTHING`, user, paperID, now)
		} else {
			delta = -1
			r, err = tx.ExecContext(ctx, `DELETE FROM votes WHERE user_name = $1 AND paper_id = $2`, user, paperID)
		}
		if err != nil {
			return fmt.Errorf("store: vote: %w", err)
		}
		res = store.VoteResult{}
		var row *sql.Row
		if n, _ := r.RowsAffected(); n != 1 {
			row = tx.QueryRowContext(ctx, `SELECT `+voteState+` FROM papers WHERE id = $1`, paperID)
		} else {
			res.Changed = true
			st, err := db.stamp(ctx, tx)
			if err != nil {
				return err
			}
			row = tx.QueryRowContext(ctx, `UPDATE papers SET user_votes = user_votes + $1, updated_at = $2 WHERE id = $3
				RETURNING `+voteState, delta, st, paperID)
		}
		var published sql.NullInt64
		err = row.Scan(&res.Upvotes, &res.OnDaily, &res.Hidden, &published)
		if isNotFound(err) {
			return model.Errorf(model.ENOTFOUND, "paper %s not found", paperID)
		}
		res.PublishedAt = fromMS(published)
		return err
	})
	return res, err
}

// Voted implements store.VoteStore.
func (db *DB) Voted(ctx context.Context, user string, paperIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if user == "" || len(paperIDs) == 0 {
		return out, nil
	}
	ph := make([]string, len(paperIDs))
	args := []any{user}
	for i, id := range paperIDs {
		ph[i] = fmt.Sprintf("$%d", i+2)
		args = append(args, id)
	}
	rows, err := db.R.QueryContext(ctx, `SELECT paper_id FROM votes WHERE user_name = $1 AND paper_id IN (`+
		strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: voted: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// VotesSince implements store.VoteStore.
// Growth of Hugging Face's counts found by syncs counts as that many votes
// at the time of the sync.
func (db *DB) VotesSince(ctx context.Context, t time.Time) (map[string][]time.Time, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT paper_id, created_at, 1 FROM votes WHERE created_at >= $1
		UNION ALL SELECT paper_id, at, delta FROM hf_upvote_changes WHERE at >= $1`, t.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("store: votes since: %w", err)
	}
	defer rows.Close()
	out := map[string][]time.Time{}
	for rows.Next() {
		var id string
		var at, n int64
		if err := rows.Scan(&id, &at, &n); err != nil {
			return nil, err
		}
		for range min(n, 10000) {
			out[id] = append(out[id], time.UnixMilli(at).UTC())
		}
	}
	return out, rows.Err()
}
