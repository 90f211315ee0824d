package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// CreateAccount implements store.AccountStore.
func (db *DB) CreateAccount(ctx context.Context, a *model.Account) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE lower(name) = lower($1) OR email = $2`,
			a.Name, strings.ToLower(a.Email)).Scan(&n); err != nil {
			return fmt.Errorf("store: create account: %w", err)
		}
		if n > 0 {
			return model.Errorf(model.ECONFLICT, "that username or e-mail is already taken")
		}
		// The unique index on lower(name) of local accounts backs the
		// check above against a racing sign-up.
		_, err := tx.ExecContext(ctx, `INSERT INTO users (name, object_id, fullname, email, password_hash, role, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, a.Name, model.ObjectID("user", a.Name), a.Name, strings.ToLower(a.Email),
			a.PasswordHash, a.Role, ms(a.CreatedAt))
		if err != nil && db.Dialect.UniqueViolation(err) {
			return model.Errorf(model.ECONFLICT, "that username or e-mail is already taken")
		}
		if err != nil {
			return fmt.Errorf("store: create account %s: %w", a.Name, err)
		}
		return nil
	})
}

const accountColumns = `name, COALESCE(email, ''), password_hash, role, created_at, suspended_at`

func scanAccount(row *sql.Row, what string) (*model.Account, error) {
	var a model.Account
	var created, suspended sql.NullInt64
	err := row.Scan(&a.Name, &a.Email, &a.PasswordHash, &a.Role, &created, &suspended)
	if isNotFound(err) || (err == nil && a.PasswordHash == "") {
		return nil, model.Errorf(model.ENOTFOUND, "no account %s", what)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find account %s: %w", what, err)
	}
	a.CreatedAt, a.SuspendedAt = fromMS(created), fromMS(suspended)
	return &a, nil
}

// FindAccount implements store.AccountStore. Names match whatever their
// case; a local account wins over a Hugging Face user of the same name.
func (db *DB) FindAccount(ctx context.Context, name string) (*model.Account, error) {
	return scanAccount(db.R.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM users WHERE lower(name) = lower($1)
		ORDER BY password_hash <> '' DESC LIMIT 1`, name), name)
}

// FindAccountByEmail implements store.AccountStore.
func (db *DB) FindAccountByEmail(ctx context.Context, email string) (*model.Account, error) {
	return scanAccount(db.R.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM users WHERE email = $1`,
		strings.ToLower(email)), email)
}

// UpdateAccount implements store.AccountStore.
func (db *DB) UpdateAccount(ctx context.Context, a *model.Account) error {
	return db.exec(ctx, "update account "+a.Name, `UPDATE users SET password_hash = $1, role = $2, suspended_at = $3
		WHERE name = $4 AND password_hash <> ''`, a.PasswordHash, a.Role, ms(a.SuspendedAt), a.Name)
}

// exec runs one statement in a write transaction and maps "no row changed"
// to ENOTFOUND. A stampArg{} argument becomes the transaction's stamp
// (for papers.updated_at).
func (db *DB) exec(ctx context.Context, what, query string, args ...any) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		args := slices.Clone(args)
		for i, a := range args {
			if _, ok := a.(stampArg); ok {
				st, err := db.stamp(ctx, tx)
				if err != nil {
					return err
				}
				args[i] = st
			}
		}
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ENOTFOUND, "%s: not found", what)
		}
		return nil
	})
}

// CreateSession implements store.AccountStore.
func (db *DB) CreateSession(ctx context.Context, tokenHash, user string, expires time.Time) error {
	return db.exec(ctx, "create session", `INSERT INTO sessions (token_hash, user_name, created_at, expires_at)
		VALUES ($1,$2,$3,$4)`, tokenHash, user, db.Now().UnixMilli(), expires.UnixMilli())
}

// FindSession implements store.AccountStore.
func (db *DB) FindSession(ctx context.Context, tokenHash string) (*store.Session, error) {
	var s store.Session
	var exp int64
	err := db.R.QueryRowContext(ctx, `SELECT user_name, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
		tokenHash, db.Now().UnixMilli()).Scan(&s.User, &exp)
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find session: %w", err)
	}
	s.ExpiresAt = time.UnixMilli(exp).UTC()
	return &s, nil
}

// DeleteSession implements store.AccountStore.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	err := db.exec(ctx, "delete session", `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil
	}
	return err
}

// DeleteSessions implements store.AccountStore.
// DeleteAPITokens implements store.AccountStore.
func (db *DB) DeleteAPITokens(ctx context.Context, user string) error {
	err := db.exec(ctx, "delete API tokens", `DELETE FROM api_tokens WHERE user_name = $1`, user)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil
	}
	return err
}

func (db *DB) DeleteSessions(ctx context.Context, user string) error {
	err := db.exec(ctx, "delete sessions", `DELETE FROM sessions WHERE user_name = $1`, user)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil
	}
	return err
}

// CreateAPIToken implements store.AccountStore.
func (db *DB) CreateAPIToken(ctx context.Context, user, name, tokenHash string) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_name, token_hash, name, created_at) VALUES ($1,$2,$3,$4)
			RETURNING id`, user, tokenHash, name, db.Now().UnixMilli()).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: create token: %w", err)
	}
	return id, nil
}

// FindAPIToken implements store.AccountStore.
func (db *DB) FindAPIToken(ctx context.Context, tokenHash string) (string, error) {
	var user string
	err := db.R.QueryRowContext(ctx, `SELECT user_name FROM api_tokens WHERE token_hash = $1`, tokenHash).Scan(&user)
	if isNotFound(err) {
		return "", model.Errorf(model.ENOTFOUND, "no such token")
	}
	if err != nil {
		return "", fmt.Errorf("store: find token: %w", err)
	}
	return user, nil
}

// ListAPITokens implements store.AccountStore.
func (db *DB) ListAPITokens(ctx context.Context, user string) ([]*store.APIToken, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_name = $1 ORDER BY id`, user)
	if err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	defer rows.Close()
	var out []*store.APIToken
	for rows.Next() {
		var t store.APIToken
		var created, used sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Name, &created, &used); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsedAt = fromMS(created), fromMS(used)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// DeleteAPIToken implements store.AccountStore.
func (db *DB) DeleteAPIToken(ctx context.Context, user string, id int64) error {
	return db.exec(ctx, fmt.Sprintf("token %d", id), `DELETE FROM api_tokens WHERE id = $1 AND user_name = $2`, id, user)
}

// FindIdentity implements store.AccountStore.
func (db *DB) FindIdentity(ctx context.Context, issuer, subject string) (string, error) {
	var user string
	err := db.R.QueryRowContext(ctx, `SELECT user_name FROM oidc_identities WHERE issuer = $1 AND subject = $2`, issuer, subject).Scan(&user)
	if isNotFound(err) {
		return "", model.Errorf(model.ENOTFOUND, "no account for this identity")
	}
	if err != nil {
		return "", fmt.Errorf("store: find identity: %w", err)
	}
	return user, nil
}

// LinkIdentity implements store.AccountStore: one insert, so two first
// logins at once link the identity once.
func (db *DB) LinkIdentity(ctx context.Context, issuer, subject, user string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO oidc_identities (issuer, subject, user_name, created_at) VALUES ($1,$2,$3,$4)
			ON CONFLICT (issuer, subject) DO NOTHING`, issuer, subject, user, db.Now().UnixMilli())
		if err != nil {
			return fmt.Errorf("store: link identity: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "this identity is already linked to an account")
		}
		return nil
	})
}
