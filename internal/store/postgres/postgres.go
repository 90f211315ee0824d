// Package postgres is the backend for instances that outgrow one machine:
// PostgreSQL 13 or later through pgx (its database/sql driver, one pool for
// reads and writes), over the shared SQL of sqlstore, with its own numbered
// migrations that hold the same steps as SQLite's.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/quire/quire/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded migration files.
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrationFiles, "migrations")
	return sub
}

// IsURL reports whether s names a PostgreSQL database.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url (postgres://user:pass@host:5432/db?sslmode=…).
// It does not migrate: call Migrate.
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// Enough for the web's concurrent requests and the jobs; PostgreSQL's
	// default max_connections (100) leaves room for several replicas.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", Redact(url), err)
	}
	return sqlstore.New(db, db, &dialect{db: db}), nil
}

// Redact hides the password of a database URL, for logs and errors.
func Redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	cred, host, ok := strings.Cut(rest, "@")
	if !ok {
		return url
	}
	if user, _, hasPass := strings.Cut(cred, ":"); hasPass {
		cred = user + ":xxxxx"
	}
	return scheme + "://" + cred + "@" + host
}

// migrationLock is the advisory lock key under which migrations run, so
// that replicas started together apply each step once.
const migrationLock = 0x71756972 // "quir"

// Migrate applies pending migrations under an advisory lock and returns
// their names.
func Migrate(ctx context.Context, db *sqlstore.DB) ([]string, error) {
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return nil, fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	}()
	return sqlstore.Migrate(ctx, db.W, Migrations())
}

// Pending returns the names of migrations not yet applied.
func Pending(ctx context.Context, db *sqlstore.DB) ([]string, error) {
	return sqlstore.PendingNames(ctx, db.W, Migrations())
}

// dialect tells when the data changed: this process's commits bump a
// counter at once, and other connections' (other replicas, quire ingest)
// show in the transaction snapshot, which changes whenever a transaction
// that wrote begins or ends. Two equal snapshots see the same committed
// data, so a cache keyed on it is never stale. It is polled at most every
// pollEvery, as SQLite's data_version is.
type dialect struct {
	db       *sql.DB
	local    atomic.Int64
	external atomic.Int64
	polled   atomic.Int64 // UnixNano of the last poll
	mu       sync.Mutex   // serialises polls
}

const pollEvery = 50 * time.Millisecond

func (d *dialect) Committed() { d.local.Add(1) }

func (d *dialect) Version(ctx context.Context) (int64, error) {
	now := time.Now().UnixNano()
	if now-d.polled.Load() >= int64(pollEvery) && d.mu.TryLock() {
		defer d.mu.Unlock()
		var snap string
		if err := d.db.QueryRowContext(ctx, `SELECT pg_current_snapshot()::text`).Scan(&snap); err != nil {
			return 0, fmt.Errorf("postgres: snapshot: %w", err)
		}
		h := fnv.New64a()
		_, _ = io.WriteString(h, snap)
		d.external.Store(int64(h.Sum64() >> 1))
		d.polled.Store(now)
	}
	return d.external.Load() ^ d.local.Load()<<40, nil
}

func (d *dialect) Close() error { return nil }

// Unavailable: the server is unreachable, restarting or out of resources
// (SQLSTATE classes 08 and 53, 57P01–57P03), or the transaction lost a
// deadlock or serialization race (40001, 40P01): conditions of the
// machine, not of the request.
func (d *dialect) Unavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"),
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "40001", pe.Code == "40P01":
			return true
		}
		return false
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, sql.ErrConnDone) || pgconn.SafeToRetry(err) ||
		strings.Contains(err.Error(), "conn closed")
}

// ForUpdate: a row lock, held to the end of the transaction, so that a
// read-merge-write (authors, a comment's visibility) is not lost to a
// concurrent one under READ COMMITTED.
func (d *dialect) ForUpdate() string { return " FOR UPDATE" }

// ChangeFeed: the id of the transaction that last wrote the row (set by a
// trigger, migration 0011), read only below the snapshot's xmin: every
// transaction with a smaller id has ended, so none can commit a change
// that sorts before the cursor later. A long transaction holds the feed
// back until it ends; it never makes it skip.
func (d *dialect) ChangeFeed() (string, string, string) {
	return "p.change_xid", " AND p.change_xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint", "postgres"
}

// KeyLock: an advisory lock on the key's 64-bit hash, released at commit.
func (d *dialect) KeyLock() string { return `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))` }

// KeyLocks: the same for an array of keys, in order (no deadlock between
// batches that overlap).
func (d *dialect) KeyLocks() string {
	return `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT DISTINCT unnest($1::text[]) AS k ORDER BY k) keys`
}

// Retryable: a deadlock (40P01) or serialization failure (40001).
func (d *dialect) Retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// UniqueViolation: SQLSTATE 23505.
func (d *dialect) UniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// ResetSequences moves every identity column's sequence past the largest
// id its table holds, after rows were copied in with their ids (quire
// copy): new rows then get fresh ids.
func ResetSequences(ctx context.Context, db *sqlstore.DB) error {
	rows, err := db.R.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("postgres: identity columns: %w", err)
	}
	var cols [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return err
		}
		cols = append(cols, [2]string{t, c})
	}
	rows.Close()
	for _, tc := range cols {
		// Identifiers from the catalog, not from input.
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', '%[2]s'), GREATEST((SELECT MAX(%[2]s) FROM %[1]s), 1))`, tc[0], tc[1])
		if _, err := db.W.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("postgres: reset sequence of %s.%s: %w", tc[0], tc[1], err)
		}
	}
	return nil
}
