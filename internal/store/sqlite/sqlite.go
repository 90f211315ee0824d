// Package sqlite is the embedded default backend: the pure-Go
// modernc.org/sqlite driver (no cgo), WAL, a read pool and a one-connection
// write pool, over the shared SQL of sqlstore.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

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
	ms, err := sqlstore.Pending(ctx, db.W, Migrations())
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return names, err
}

// dialect reads PRAGMA data_version on a connection of its own. SQLite
// changes that value on a connection whenever another connection (in this
// process or any other) commits, which is exactly "the data changed".
type dialect struct {
	r    *sql.DB
	mu   sync.Mutex
	conn *sql.Conn
}

func (d *dialect) Version(ctx context.Context) (int64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn == nil {
		c, err := d.r.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("sqlite: version conn: %w", err)
		}
		d.conn = c
	}
	var v int64
	if err := d.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		d.conn.Close()
		d.conn = nil
		return 0, fmt.Errorf("sqlite: data_version: %w", err)
	}
	return v, nil
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
