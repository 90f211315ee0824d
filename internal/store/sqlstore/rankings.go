package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// execChanging is exec for a statement that changes what collectionID's
// model learns from: the interest's version moves in the same transaction,
// so a ranking trained before the change is known to be stale.
func (db *DB) execChanging(ctx context.Context, what string, collectionID int64, query string, args ...any) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ENOTFOUND, "%s: not found", what)
		}
		return bumpVersion(ctx, tx, collectionID)
	})
}

func bumpVersion(ctx context.Context, tx *sql.Tx, collectionID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE collections SET version = version + 1 WHERE id = $1`, collectionID); err != nil {
		return fmt.Errorf("store: interest %d changed: %w", collectionID, err)
	}
	return nil
}

const rankingColumns = `collection_id, version, rev, model, ranking, updated_at`

func scanRankings(rows *sql.Rows, what string) ([]*store.InterestRanking, error) {
	defer rows.Close()
	var out []*store.InterestRanking
	for rows.Next() {
		var r store.InterestRanking
		var at sql.NullInt64
		if err := rows.Scan(&r.CollectionID, &r.Version, &r.Rev, &r.Model, &r.Ranking, &at); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		r.UpdatedAt = fromMS(at)
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// InterestRankings implements store.RecommendStore.
func (db *DB) InterestRankings(ctx context.Context, ids []int64) (map[int64]*store.InterestRanking, error) {
	out := map[int64]*store.InterestRanking{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	ph := make([]string, len(ids))
	for i, id := range ids {
		args[i], ph[i] = id, fmt.Sprintf("$%d", i+1)
	}
	rows, err := db.R.QueryContext(ctx, `SELECT `+rankingColumns+` FROM interest_rankings WHERE collection_id IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: interest rankings: %w", err)
	}
	rs, err := scanRankings(rows, "interest rankings")
	for _, r := range rs {
		out[r.CollectionID] = r
	}
	return out, err
}

// InterestRankingsAfter implements store.RecommendStore.
func (db *DB) InterestRankingsAfter(ctx context.Context, after int64, limit int) ([]*store.InterestRanking, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+rankingColumns+` FROM interest_rankings WHERE collection_id > $1
		ORDER BY collection_id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: interest rankings after %d: %w", after, err)
	}
	return scanRankings(rows, "interest rankings")
}

// SaveInterestRankings implements store.RecommendStore: per ranking one
// conditional statement, an insert that does nothing when a row exists
// (rev 0) or an update of the row still at rev.
func (db *DB) SaveInterestRankings(ctx context.Context, rs []*store.InterestRanking) ([]bool, error) {
	saved := make([]bool, len(rs))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now().UnixMilli()
		for i, r := range rs {
			q := `UPDATE interest_rankings SET version = $2, rev = rev + 1, model = $3, ranking = $4, updated_at = $5
				WHERE collection_id = $1 AND rev = $6`
			if r.Rev == 0 {
				q = `INSERT INTO interest_rankings (collection_id, version, rev, model, ranking, updated_at)
					SELECT $1, $2, 1, $3, $4, $5 FROM collections WHERE id = $1 AND $6 = 0
					ON CONFLICT (collection_id) DO NOTHING`
			}
			res, err := tx.ExecContext(ctx, q, r.CollectionID, r.Version, r.Model, r.Ranking, now, r.Rev)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			saved[i] = n == 1
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: save interest rankings: %w", err)
	}
	for i, r := range rs {
		if saved[i] {
			r.Rev++
		}
	}
	return saved, nil
}

// StaleInterests implements store.RecommendStore.
func (db *DB) StaleInterests(ctx context.Context, limit int) ([]*model.Collection, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+collectionColumns+` FROM collections c
		LEFT JOIN interest_rankings r ON r.collection_id = c.id
		WHERE c.interest AND (r.collection_id IS NULL OR r.version < c.version)
		AND (c.keywords <> '' OR EXISTS (SELECT 1 FROM collection_items i WHERE i.collection_id = c.id))
		ORDER BY c.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: stale interests: %w", err)
	}
	defer rows.Close()
	var out []*model.Collection
	for rows.Next() {
		c, err := scanCollection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: stale interests: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ResetInterest implements store.RecommendStore.
func (db *DB) ResetInterest(ctx context.Context, collectionID int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM not_interested WHERE collection_id = $1`, collectionID); err != nil {
			return fmt.Errorf("store: reset interest %d: %w", collectionID, err)
		}
		return bumpVersion(ctx, tx, collectionID)
	})
}

// FeedCursor implements store.RecommendStore.
func (db *DB) FeedCursor(ctx context.Context, name, feed string) (store.ChangeCursor, error) {
	var c store.ChangeCursor
	err := db.R.QueryRowContext(ctx, `SELECT seq, id FROM feed_cursors WHERE name = $1 AND feed = $2`, name, feed).Scan(&c.Seq, &c.ID)
	if isNotFound(err) {
		return store.ChangeCursor{}, nil
	}
	if err != nil {
		return c, fmt.Errorf("store: cursor %s: %w", name, err)
	}
	return c, nil
}

// SetFeedCursor implements store.RecommendStore.
func (db *DB) SetFeedCursor(ctx context.Context, name, feed string, c store.ChangeCursor) error {
	return db.exec(ctx, "cursor "+name, `INSERT INTO feed_cursors (name, feed, seq, id) VALUES ($1,$2,$3,$4)
		ON CONFLICT (name) DO UPDATE SET feed = excluded.feed, seq = excluded.seq, id = excluded.id`, name, feed, c.Seq, c.ID)
}

// ForYouPrefs implements store.RecommendStore.
func (db *DB) ForYouPrefs(ctx context.Context, user string) (model.ForYouPrefs, error) {
	var p model.ForYouPrefs
	err := db.R.QueryRowContext(ctx, `SELECT mix, merged FROM foryou_prefs WHERE user_name = $1`, user).Scan(&p.Mix, &p.Merged)
	if err != nil && !isNotFound(err) {
		return p, fmt.Errorf("store: for-you choices of %s: %w", user, err)
	}
	return p, nil
}

// SetForYouPrefs implements store.RecommendStore.
func (db *DB) SetForYouPrefs(ctx context.Context, user string, p model.ForYouPrefs) error {
	return db.exec(ctx, "for-you choices of "+user, `INSERT INTO foryou_prefs (user_name, mix, merged) VALUES ($1,$2,$3)
		ON CONFLICT (user_name) DO UPDATE SET mix = excluded.mix, merged = excluded.merged`, user, p.Mix, p.Merged)
}
