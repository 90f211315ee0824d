// Package sqlitetest opens throw-away SQLite stores for tests.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/sqlstore"
)

// MustOpen returns a migrated store in a temporary file, closed at cleanup.
func MustOpen(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "quire.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := sqlite.Migrate(context.Background(), db); err != nil {
		tb.Fatal(err)
	}
	return db
}
