package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/quire/quire/internal/model"
)

// UserVotes implements store.AccountData.
func (db *DB) UserVotes(ctx context.Context, user string) ([]string, error) {
	return db.queryIDs(ctx, "votes of "+user, `SELECT paper_id FROM votes WHERE user_name = $1 ORDER BY created_at, paper_id`, user)
}

// UserComments implements store.AccountData.
func (db *DB) UserComments(ctx context.Context, user string) ([]*model.Comment, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE user_name = $1 ORDER BY created_at, id`, user)
	if err != nil {
		return nil, fmt.Errorf("store: comments of %s: %w", user, err)
	}
	defer rows.Close()
	var out []*model.Comment
	for rows.Next() {
		c, err := scanComment(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: comments of %s: %w", user, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeleteAccount implements store.AccountData.
func (db *DB) DeleteAccount(ctx context.Context, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var exact string
		err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE lower(name) = lower($1) AND password_hash <> '' AND deleted_at IS NULL`+
			db.Dialect.ForUpdate(), name).Scan(&exact)
		if isNotFound(err) {
			return model.Errorf(model.ENOTFOUND, "no account %s", name)
		}
		if err != nil {
			return fmt.Errorf("store: delete account %s: %w", name, err)
		}
		st, err := db.stamp(ctx, tx)
		if err != nil {
			return err
		}
		// Votes are withdrawn first, so that every count they added goes.
		steps := []struct{ what, query string }{
			{"votes", `UPDATE papers SET user_votes = user_votes - 1, updated_at = $2 WHERE id IN (SELECT paper_id FROM votes WHERE user_name = $1)`},
			{"votes", `DELETE FROM votes WHERE user_name = $1`},
			{"sessions", `DELETE FROM sessions WHERE user_name = $1`},
			{"tokens", `DELETE FROM api_tokens WHERE user_name = $1`},
			{"identities", `DELETE FROM oidc_identities WHERE user_name = $1`},
			{"collections", `DELETE FROM collections WHERE owner = $1`},
			{"notes", `DELETE FROM paper_states WHERE user_name = $1`},
			{"follows", `DELETE FROM follows WHERE user_name = $1`},
			{"follows", `DELETE FROM follow_excludes WHERE user_name = $1`},
			{"feeds", `DELETE FROM user_feeds WHERE user_name = $1`},
			{"saved searches", `DELETE FROM saved_searches WHERE user_name = $1`},
			{"subscription", `DELETE FROM subscriptions WHERE user_name = $1 OR email = (SELECT email FROM users WHERE name = $1)`},
			{"account", `UPDATE users SET email = NULL, password_hash = '', fullname = '', avatar_url = '', deleted_at = $2 WHERE name = $1`},
		}
		for _, s := range steps {
			args := []any{exact}
			if strings.Contains(s.query, "$2") {
				args = append(args, st)
			}
			if _, err := tx.ExecContext(ctx, s.query, args...); err != nil {
				return fmt.Errorf("store: delete account %s: %s: %w", name, s.what, err)
			}
		}
		return nil
	})
}
