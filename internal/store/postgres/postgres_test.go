package postgres_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/postgres"
	"github.com/quire/quire/internal/store/postgres/pgtest"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return pgtest.MustOpen(t) })
}

// Both backends hold the same numbered steps, so an instance can move
// between them (quire copy) at any version.
func TestMigrationsMatchSQLite(t *testing.T) {
	pg, err := sqlstore.LoadMigrations(postgres.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	lite, err := sqlstore.LoadMigrations(sqlite.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []sqlstore.Migration) (out []string) {
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	if !reflect.DeepEqual(names(pg), names(lite)) {
		t.Errorf("PostgreSQL migrations %v, SQLite %v", names(pg), names(lite))
	}
}

// Replicas that start together migrate once: the advisory lock makes the
// others wait, then find nothing pending.
func TestConcurrentMigrate(t *testing.T) {
	url := pgtest.NewDatabase(t)
	// NewDatabase's copy is migrated already; start from an empty one.
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.W.ExecContext(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	const n = 4
	applied := make(chan int, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			d, err := postgres.Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer d.Close()
			names, err := postgres.Migrate(ctx, d)
			errs <- err
			applied <- len(names)
		}()
	}
	total := 0
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for range n {
		total += <-applied
	}
	all, _ := sqlstore.LoadMigrations(postgres.Migrations())
	if total != len(all) {
		t.Errorf("%d replicas applied %d migrations in all, want %d (each once)", n, total, len(all))
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://quire:s3cret@db:5432/quire?sslmode=require": "postgres://quire:xxxxx@db:5432/quire?sslmode=require",
		"postgres://quire@db/quire":                             "postgres://quire@db/quire",
		"postgres:///quire":                                     "postgres:///quire",
	} {
		if got := postgres.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// A transaction that wrote a paper before another and commits after it:
// the feed holds the second back until the first ends, then gives both.
// Ordered by a stamp (or by transaction id alone), a follower would take
// the second, move past the first, and never index it.
func TestChangeFeedWaitsForLateCommit(t *testing.T) {
	db := pgtest.MustOpen(t)
	ctx := context.Background()
	up := func(id string) {
		if _, err := db.UpsertPapers(ctx, []*model.Paper{{ID: id, Title: "Paper " + id}}); err != nil {
			t.Fatal(err)
		}
	}
	up("2601.00001")
	cs, err := db.PaperChanges(ctx, store.ChangeCursor{}, 10)
	if err != nil || len(cs) != 1 {
		t.Fatalf("first read: %v %v", cs, err)
	}
	cursor := cs[0].At
	late, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Rollback()
	if _, err := late.ExecContext(ctx, `INSERT INTO papers (id, title, updated_at) VALUES ('2601.00002', 'Late', 1)`); err != nil {
		t.Fatal(err)
	}
	up("2601.00003") // starts after the late one, commits first
	if cs, _ := db.PaperChanges(ctx, cursor, 10); len(cs) != 0 {
		t.Fatalf("the feed gave %s while an older transaction was still running", cs[0].At.ID)
	}
	if err := late.Commit(); err != nil {
		t.Fatal(err)
	}
	cs, err = db.PaperChanges(ctx, cursor, 10)
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.At.ID)
	}
	if err != nil || strings.Join(ids, ",") != "2601.00002,2601.00003" {
		t.Errorf("after the late commit: %v %v, want both papers, the late one first", ids, err)
	}
}

// Papers written from many connections at once while the search index
// follows the feed: the index ends holding every one.
func TestIndexFollowsConcurrentWriters(t *testing.T) {
	db := pgtest.MustOpen(t)
	ctx := context.Background()
	ix := search.New(db)
	const writers, each = 8, 40
	done := make(chan struct{})
	synced := make(chan error, 1)
	go func() {
		for {
			select {
			case <-done:
				synced <- nil
				return
			default:
				if err := ix.Sync(ctx); err != nil {
					synced <- err
					return
				}
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("2608.%02d%03d", w, i)
				if _, err := db.UpsertPapers(ctx, []*model.Paper{{ID: id, Title: fmt.Sprintf("Paper w%dp%d about lattices", w, i)}}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	if err := <-synced; err != nil {
		t.Fatal(err)
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ix.Len() != writers*each {
		t.Errorf("the index holds %d of %d papers written at once", ix.Len(), writers*each)
	}
}
