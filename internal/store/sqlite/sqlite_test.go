package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/storetest"
)

func newStore(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := sqlite.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, newStore) }

func TestMigrateTwiceIsNoop(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	first, err := sqlite.Migrate(ctx, db)
	if err != nil || len(first) == 0 {
		t.Fatalf("first migrate: %v %v", first, err)
	}
	again, err := sqlite.Migrate(ctx, db)
	if err != nil || len(again) != 0 {
		t.Fatalf("second migrate applied %v, %v", again, err)
	}
	pending, err := sqlite.Pending(ctx, db)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending = %v, %v", pending, err)
	}
}
