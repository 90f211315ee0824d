// Package sqlstore implements store.Store once, in SQL that SQLite and
// PostgreSQL both accept ($n placeholders, ON CONFLICT … DO UPDATE, integer
// millisecond timestamps, "YYYY-MM-DD" text days). Backends open the
// connections, own the migrations and fill the Dialect hook with what truly
// differs.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
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
}

// DB is a store over a read pool and a write pool. For SQLite the write pool
// has one connection, which serialises writers without "database is locked"
// errors inside the process; for PostgreSQL both may be the same pool.
type DB struct {
	R, W    *sql.DB
	Dialect Dialect
	// Now is the clock used for updated_at stamps; tests replace it.
	Now func() time.Time
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

// inTx runs fn in a write transaction and commits it when fn succeeds.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
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
