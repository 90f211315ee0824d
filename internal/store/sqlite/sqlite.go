// Package sqlite is the embedded default backend: the pure-Go
// modernc.org/sqlite driver (no cgo), WAL, a read pool and a one-connection
// write pool, over the shared SQL of sqlstore.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/quire/quire/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded migration files.
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrationFiles, "migrations")
	return sub
}

// dsn builds the connection string. busy_timeout comes first so that the
// journal_mode switch itself waits for a lock instead of failing;
// synchronous=NORMAL is safe under WAL (a crash may lose the last commits,
// never corrupt the file).
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path. It does not
// migrate: call Migrate or check Pending first.
func Open(path string) (*sqlstore.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("sqlite: create data dir: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	// Touch the file in write mode first so WAL is set before readers open.
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, 2*runtime.NumCPU()))
	r.SetMaxIdleConns(max(4, 2*runtime.NumCPU()))
	return sqlstore.New(r, w, &dialect{r: r}), nil
}

// Migrate applies pending migrations and returns their names.
func Migrate(ctx context.Context, db *sqlstore.DB) ([]string, error) {
	return sqlstore.Migrate(ctx, db.W, Migrations())
}

// Pending returns the names of migrations not yet applied.
func Pending(ctx context.Context, db *sqlstore.DB) ([]string, error) {
	return sqlstore.PendingNames(ctx, db.W, Migrations())
}

// dialect tells when the data changed. Commits of this process bump a
// counter at once; commits of other processes (quire ingest) show in PRAGMA
// data_version, which SQLite changes on a connection whenever another
// connection commits. Reading it is a query, so it is polled at most every
// pollEvery, from whichever request comes first: the server sees another
// process's writes within that time and pays one query per interval instead
// of one per request.
type dialect struct {
	r        *sql.DB
	local    atomic.Int64
	external atomic.Int64
	polled   atomic.Int64 // UnixNano of the last poll

	mu   sync.Mutex // guards conn and serialises polls
	conn *sql.Conn
}

const pollEvery = 50 * time.Millisecond

func (d *dialect) Committed() { d.local.Add(1) }

func (d *dialect) Version(ctx context.Context) (int64, error) {
	now := time.Now().UnixNano()
	if now-d.polled.Load() >= int64(pollEvery) && d.mu.TryLock() {
		err := d.poll(ctx)
		d.mu.Unlock()
		if err != nil {
			return 0, err
		}
		d.polled.Store(now)
	}
	// The two counters combined: any change of either changes the value.
	return d.external.Load()<<32 ^ d.local.Load(), nil
}

func (d *dialect) poll(ctx context.Context) error {
	if d.conn == nil {
		c, err := d.r.Conn(ctx)
		if err != nil {
			return fmt.Errorf("sqlite: version conn: %w", err)
		}
		d.conn = c
	}
	var v int64
	if err := d.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		d.conn.Close()
		d.conn = nil
		return fmt.Errorf("sqlite: data_version: %w", err)
	}
	d.external.Store(v)
	return nil
}

func (d *dialect) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		err := d.conn.Close()
		d.conn = nil
		return err
	}
	return nil
}

// Unavailable: SQLITE_BUSY and SQLITE_LOCKED (another writer held the lock
// past busy_timeout), SQLITE_FULL (disk full), SQLITE_READONLY and
// SQLITE_IOERR are conditions of the machine, not of the request.
func (d *dialect) Unavailable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR:
		return true
	}
	return false
}

// ForUpdate: none; a write transaction locks the database when it begins.
func (d *dialect) ForUpdate() string { return "" }

// ChangeFeed: updated_at, stamped inside the write lock that SQLite's
// writers (this process's and quire ingest's) take in turn, so commits
// come in stamp order.
func (d *dialect) ChangeFeed() (string, string, string) { return "p.updated_at", "", "sqlite" }

// Retryable: never; SQLite's writers wait for the lock (busy_timeout)
// instead of deadlocking.
func (d *dialect) Retryable(error) bool { return false }

// KeyLock: none, as ForUpdate.
func (d *dialect) KeyLock() string { return "" }

// KeyLocks: none; batches are written a row at a time (in-process, each
// row costs no round trip).
func (d *dialect) KeyLocks() string { return "" }

// UniqueViolation: SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY.
func (d *dialect) UniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// VacuumInto writes a consistent copy of the database to path (which must
// not exist) while other connections and processes keep writing: one read
// transaction, so the copy holds exactly the commits before it started.
func VacuumInto(ctx context.Context, db *sqlstore.DB, path string) error {
	if _, err := db.W.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("sqlite: copy to %s: %w", path, err)
	}
	return nil
}

// CheckIntegrity runs SQLite's integrity check.
func CheckIntegrity(ctx context.Context, db *sqlstore.DB) error {
	var res string
	if err := db.R.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("sqlite: integrity check: %s", res)
	}
	return nil
}
