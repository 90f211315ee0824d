package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
)

// Follow implements store.FollowStore.
func (db *DB) Follow(ctx context.Context, user, kind, target string, at time.Time) error {
	return db.exec(ctx, "follow "+kind+" "+target, `INSERT INTO follows (user_name, kind, target, created_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (user_name, kind, target) DO UPDATE SET kind = excluded.kind`, user, kind, target, at.UnixMilli())
}

// Unfollow implements store.FollowStore.
func (db *DB) Unfollow(ctx context.Context, user, kind, target string) error {
	return db.exec(ctx, "follow "+kind+" "+target, `DELETE FROM follows WHERE user_name = $1 AND kind = $2 AND target = $3`, user, kind, target)
}

// Follows implements store.FollowStore.
func (db *DB) Follows(ctx context.Context, user string) ([]model.Follow, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT kind, target, created_at FROM follows WHERE user_name = $1 ORDER BY kind, target`, user)
	if err != nil {
		return nil, fmt.Errorf("store: follows of %s: %w", user, err)
	}
	out := []model.Follow{}
	for rows.Next() {
		var f model.Follow
		var at int64
		if err := rows.Scan(&f.Kind, &f.Target, &at); err != nil {
			rows.Close()
			return nil, err
		}
		f.CreatedAt = time.UnixMilli(at).UTC()
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ex, err := db.R.QueryContext(ctx, `SELECT author, paper_id FROM follow_excludes WHERE user_name = $1 ORDER BY author, paper_id`, user)
	if err != nil {
		return nil, fmt.Errorf("store: follows of %s: %w", user, err)
	}
	defer ex.Close()
	for ex.Next() {
		var author, id string
		if err := ex.Scan(&author, &id); err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].Kind == model.FollowAuthor && out[i].Target == author {
				out[i].Excluded = append(out[i].Excluded, id)
			}
		}
	}
	return out, ex.Err()
}

// ExcludeFromFollow implements store.FollowStore.
func (db *DB) ExcludeFromFollow(ctx context.Context, user, author, paperID string, excluded bool) error {
	if !excluded {
		err := db.exec(ctx, "exclusion", `DELETE FROM follow_excludes WHERE user_name = $1 AND author = $2 AND paper_id = $3`, user, author, paperID)
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil // not excluded: nothing to take back
		}
		return err
	}
	return db.exec(ctx, "exclusion", `INSERT INTO follow_excludes (user_name, author, paper_id) VALUES ($1,$2,$3)
		ON CONFLICT (user_name, author, paper_id) DO UPDATE SET paper_id = excluded.paper_id`, user, author, paperID)
}

// PapersByAuthor implements store.FollowStore: a scan of the recent papers'
// author lists (the window keeps it to days of arXiv, not all of it).
func (db *DB) PapersByAuthor(ctx context.Context, name string, since time.Time, limit int) ([]*model.Paper, error) {
	// The coarse filter is the name's longest word: lower() folds only ASCII
	// in SQLite, so a word with other letters is matched as written.
	word := ""
	for _, w := range strings.Fields(name) {
		if len(w) > len(word) {
			word = w
		}
	}
	column := "p.authors"
	if isASCII(word) {
		column, word = "lower(p.authors)", strings.ToLower(word)
	}
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(word)
	ps, err := db.queryPapers(ctx, db.R, `SELECT `+paperColumns+paperFrom+` WHERE (p.published_at >= $1 OR p.daily_date >= $4)
		AND p.hidden_at IS NULL AND `+column+` LIKE $2 ESCAPE '\' ORDER BY p.published_at DESC, p.id DESC LIMIT $3`,
		ms(since), "%"+esc+"%", limit, model.DateOf(since).String())
	if err != nil {
		return nil, fmt.Errorf("store: papers by %s: %w", name, err)
	}
	return ps, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// UserFeed implements store.FollowStore.
func (db *DB) UserFeed(ctx context.Context, user, fresh string, renew bool) (string, error) {
	var secret string
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		q := `INSERT INTO user_feeds (user_name, secret) VALUES ($1,$2) ON CONFLICT (user_name) DO NOTHING`
		if renew {
			q = `INSERT INTO user_feeds (user_name, secret) VALUES ($1,$2) ON CONFLICT (user_name) DO UPDATE SET secret = excluded.secret`
		}
		if _, err := tx.ExecContext(ctx, q, user, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT secret FROM user_feeds WHERE user_name = $1`, user).Scan(&secret)
	})
	if err != nil {
		return "", fmt.Errorf("store: feed of %s: %w", user, err)
	}
	return secret, nil
}

// UserByFeed implements store.FollowStore.
func (db *DB) UserByFeed(ctx context.Context, secret string) (string, error) {
	var user string
	err := db.R.QueryRowContext(ctx, `SELECT f.user_name FROM user_feeds f JOIN users u ON u.name = f.user_name
		WHERE f.secret = $1 AND u.deleted_at IS NULL`, secret).Scan(&user)
	if isNotFound(err) {
		return "", model.Errorf(model.ENOTFOUND, "no such feed")
	}
	if err != nil {
		return "", fmt.Errorf("store: feed: %w", err)
	}
	return user, nil
}
