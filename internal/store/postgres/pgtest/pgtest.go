// Package pgtest gives tests throw-away PostgreSQL databases on the server
// named by QUIRE_TEST_POSTGRES (a URL whose user may create databases; the
// README's test command starts one). Without it a test is skipped, except in
// CI (CI=true), where a missing PostgreSQL fails the test: the backend is
// never silently untested.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/quire/quire/internal/store/postgres"
	"github.com/quire/quire/internal/store/sqlstore"
)

// Env is the variable that names the test server.
const Env = "QUIRE_TEST_POSTGRES"

// ServerURL returns the test server's URL, skipping (or, in CI, failing)
// the test when there is none.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(Env)
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set: CI needs PostgreSQL (scripts/test.sh starts one)", Env)
		}
		tb.Skipf("%s is not set; scripts/test.sh starts a PostgreSQL for these tests", Env)
	}
	return u
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// NewDatabase creates an empty, migrated database and returns its URL; it
// is dropped at cleanup. Databases are copied from a template migrated once
// per schema, which is much faster than migrating each.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	server := ServerURL(tb)
	ctx := context.Background()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	templateOnce.Do(func() { templateName, templateErr = makeTemplate(ctx, admin, server) })
	if templateErr != nil {
		tb.Fatal(templateErr)
	}
	name := "quire_test_" + randomHex()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+templateName); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		a, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	return withDatabase(server, name)
}

// MustOpen returns a store on a new database, closed at cleanup.
func MustOpen(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), NewDatabase(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// makeTemplate returns the template database of the current migrations,
// creating it when no test process has: one per schema (its name is a hash
// of the migrations), shared by every test process on the server, made
// under an advisory lock, and marked a template only once fully migrated.
func makeTemplate(ctx context.Context, admin *sql.DB, server string) (string, error) {
	sum := sha256.New()
	ms, err := sqlstore.LoadMigrations(postgres.Migrations())
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		sum.Write([]byte(m.Name + "\x00" + m.SQL + "\x00"))
	}
	name := "quire_tpl_" + hex.EncodeToString(sum.Sum(nil)[:6])
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7172)`); err != nil {
		return "", err
	}
	defer func() { _, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7172)`) }()
	var ready bool
	err = conn.QueryRowContext(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&ready)
	switch {
	case err == nil && ready:
		return name, nil
	case err == nil: // a process died migrating it
		if _, err := conn.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			return "", err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("create template database: %w", err)
	}
	db, err := postgres.Open(ctx, withDatabase(server, name))
	if err != nil {
		return "", err
	}
	_, err = postgres.Migrate(ctx, db)
	db.Close() // a template must have no connections when it is copied
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE true`); err != nil {
		return "", err
	}
	return name, nil
}

func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
