// Package sqlstore implements store.Store once, in SQL that SQLite and
// PostgreSQL both accept ($n placeholders, ON CONFLICT … DO UPDATE, integer
// millisecond timestamps, "YYYY-MM-DD" text days). Backends open the
// connections, own the migrations and fill the Dialect hook with what truly
// differs.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/quire/quire/internal/model"
)

// Dialect is the small hook for what the SQL dialects do not share.
type Dialect interface {
	// Version returns a number that changes on every committed write,
	// including writes by other processes.
	Version(ctx context.Context) (int64, error)
	// Committed is called after each write transaction of this process
	// commits, so that Version reflects it at once.
	Committed()
	// Close releases what the dialect holds (dedicated connections).
	Close() error
	// Unavailable reports whether err means the database cannot take the
	// request for now (busy, locked, full, read-only, unreachable), so
	// that it is answered 503 with Retry-After rather than 500.
	Unavailable(err error) bool
	// UniqueViolation reports whether err is a unique-constraint failure,
	// which the store turns into ECONFLICT, never driver text.
	UniqueViolation(err error) bool
	// ForUpdate is the clause that row-locks what a SELECT inside a write
	// transaction reads before it writes (" FOR UPDATE"), or "" where a
	// write transaction already holds the whole database (SQLite's
	// IMMEDIATE transactions).
	ForUpdate() string
	// KeyLock is a statement that takes a transaction-scoped lock on its
	// one text argument, for rows that may not exist yet (two imports
	// inserting one new paper), or "" where ForUpdate is "".
	KeyLock() string
	// KeyLocks is KeyLock for a text array of keys, taken in key order;
	// where it is not "", the dialect also takes Go slices as array
	// parameters, and a batch of arXiv records is written in one statement.
	KeyLocks() string
	// ChangeFeed gives the change feed's order column over papers p and a
	// condition that holds back changes a later commit could still sort
	// before ("" when commits are serialised), and the feed's kind.
	ChangeFeed() (column, bound, kind string)
	// Retryable reports whether a transaction failed only because a
	// concurrent one won a lock (a deadlock or serialization failure), so
	// running it again is the right answer.
	Retryable(err error) bool
}

// DB is a store over a read pool and a write pool. For SQLite the write pool
// has one connection, which serialises writers without "database is locked"
// errors inside the process; for PostgreSQL both may be the same pool.
type DB struct {
	R, W    *sql.DB
	Dialect Dialect
	// Now is the clock used for updated_at stamps; tests replace it.
	Now func() time.Time
	// tokenSweep is when this process last swept full rate-limit buckets.
	tokenSweep atomic.Int64
}

// New returns a DB over the given pools.
func New(r, w *sql.DB, d Dialect) *DB {
	return &DB{R: r, W: w, Dialect: d, Now: time.Now}
}

// Version implements store.Store.
func (db *DB) Version(ctx context.Context) (int64, error) { return db.Dialect.Version(ctx) }

// Close closes both pools and the dialect.
func (db *DB) Close() error {
	err := db.Dialect.Close()
	if db.R != db.W {
		if e := db.R.Close(); e != nil && err == nil {
			err = e
		}
	}
	if e := db.W.Close(); e != nil && err == nil {
		err = e
	}
	return err
}

// inTx runs fn in a write transaction and commits it when fn succeeds. A
// transaction that lost a deadlock or serialization race runs again, a
// few times, after a short random pause; fn must therefore start from
// scratch each time (no counting into variables it does not reset).
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	const attempts = 4
	for i := 1; ; i++ {
		err := db.tx(ctx, fn)
		if err == nil || i == attempts || !db.Dialect.Retryable(err) || ctx.Err() != nil {
			return db.unavailable(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(5*time.Millisecond) << i)))
	}
}

func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	db.Dialect.Committed()
	return nil
}

// errUnavailable is what a user is told when the database cannot take a
// request for now; the cause stays in the log.
var errUnavailable = model.Errorf(model.EUNAVAILABLE, "the database is busy; try again in a few seconds")

// unavailable marks err as EUNAVAILABLE when the dialect says it is
// passing, keeping the cause for the log.
func (db *DB) unavailable(err error) error {
	if err == nil || model.ErrorCode(err) != model.EINTERNAL || !db.Dialect.Unavailable(err) {
		return err
	}
	return errors.Join(errUnavailable, err)
}

// IsUnavailable reports whether err, from any method of the store, means
// the database cannot take requests for now (the web answers 503).
func (db *DB) IsUnavailable(err error) bool {
	return model.ErrorCode(err) == model.EUNAVAILABLE || db.Dialect.Unavailable(err)
}

// Ready checks that the database takes writes now: one real write to
// readiness, so a full disk, a read-only file or a lost server shows.
func (db *DB) Ready(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO readiness (id, checked_at) VALUES (1, $1)
			ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, db.Now().UnixMilli())
		return err
	})
}

// queryer is what read helpers need: a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ms converts a time to the stored form: Unix milliseconds, NULL for zero.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMS converts a stored millisecond value back to UTC time.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// SetNow replaces the clock, for tests.
func (db *DB) SetNow(now func() time.Time) { db.Now = now }

// queryIDs runs a query whose rows are one text column (paper ids).
func (db *DB) queryIDs(ctx context.Context, what, query string, args ...any) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
