package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"

	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/store/storetest"
)

func newStore(t *testing.T) store.Store { return sqlitetest.MustOpen(t) }

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

// TestVersionSeesOtherProcesses writes through a second handle on the same
// file, as `quire ingest` does beside a running server.
func TestVersionSeesOtherProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quire.db")
	a, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	if _, err := sqlite.Migrate(ctx, a); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	v1, err := a.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := &model.Paper{ID: "2501.00001", Title: "T"}
	if _, err := b.UpsertPapers(ctx, []*model.Paper{p}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		v2, err := a.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v2 != v1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("version unchanged 2 s after another handle's commit")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
