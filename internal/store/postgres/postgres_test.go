package postgres_test

import (
	"context"
	"reflect"
	"testing"

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
