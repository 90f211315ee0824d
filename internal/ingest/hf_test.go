package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/store/sqlstore"
)

func newStore(t *testing.T) *sqlstore.DB { return sqlitetest.MustOpen(t) }

func newStoreTB(tb testing.TB) *sqlstore.DB { return sqlitetest.MustOpen(tb) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestMalformedFileWritesNothingOthersImport(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile("../hf/testdata/2025-03-17.json")
	os.WriteFile(filepath.Join(dir, "2025-03-17.json"), good, 0o644)
	// A real file cut in half: its first papers are valid JSON items, but
	// the file as a whole is broken, so none of them may be written.
	other, _ := os.ReadFile("../hf/testdata/2024-08-05.json")
	os.WriteFile(filepath.Join(dir, "2024-08-05.json"), other[:len(other)/2], 0o644)

	srcs, err := ingest.HFPaths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	db := newStore(t)
	rep := ingest.HF(context.Background(), db, srcs, quiet)
	if rep.Files != 1 || len(rep.Failed) != 1 {
		t.Fatalf("report = %+v", rep)
	}
	msg := rep.Failed[0].Error()
	if !strings.Contains(msg, "2024-08-05.json") || !strings.Contains(msg, "line") {
		t.Errorf("failure %q should name the file and the position", msg)
	}
	n, _ := db.CountPapers(context.Background(), store.PaperFilter{})
	if n != rep.Papers || n == 0 {
		t.Errorf("store holds %d papers, report says %d imported", n, rep.Papers)
	}
	day, _ := db.CountPapers(context.Background(), store.PaperFilter{From: mustDay("2024-08-05"), To: mustDay("2024-08-06")})
	if day != 0 {
		t.Errorf("%d papers of the broken file were written", day)
	}
}

func TestReimportIsIdempotent(t *testing.T) {
	db := newStore(t)
	srcs, _ := ingest.HFPaths([]string{"../hf/testdata"})
	first := ingest.HF(context.Background(), db, srcs, quiet)
	if len(first.Failed) > 0 || first.Inserted == 0 {
		t.Fatalf("first import: %+v", first)
	}
	second := ingest.HF(context.Background(), db, srcs, quiet)
	if second.Inserted != 0 || second.Updated != first.Inserted {
		t.Fatalf("second import: %+v (first %+v)", second, first)
	}
	n, _ := db.CountPapers(context.Background(), store.PaperFilter{})
	if n != first.Inserted {
		t.Errorf("%d papers after two imports, want %d", n, first.Inserted)
	}
}

func TestDayFromName(t *testing.T) {
	for name, want := range map[string]string{
		"2025-03-17.json": "2025-03-17", "/x/y/2024-05-27.json.gz": "2024-05-27", "papers.json": "", "2025-13-01.json": "",
	} {
		if got := ingest.DayFromName(name).String(); got != want {
			t.Errorf("DayFromName(%q) = %q, want %q", name, got, want)
		}
	}
}
