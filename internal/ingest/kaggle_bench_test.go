package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/quire/quire/internal/arxiv/arxivtest"
	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/postgres/pgtest"
)

// BenchmarkKaggleImport imports 50,000 generated lines into a fresh SQLite
// store per iteration (PostgreSQL with QUIRE_BENCH_BACKEND=postgres and
// QUIRE_TEST_POSTGRES) and reports papers/s. The 1 M-line figure comes from
// scripts/bench-kaggle.sh, which runs the real binary.
func BenchmarkKaggleImport(b *testing.B) {
	tmpl, err := arxivtest.Templates(kaggleSample)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "in.jsonl")
	f, _ := os.Create(path)
	const n = 50000
	if err := arxivtest.Write(f, tmpl, n, 1); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		var db store.IngestStore = newStoreTB(b)
		if os.Getenv(pgtest.Env) != "" && os.Getenv("QUIRE_BENCH_BACKEND") == "postgres" {
			db = pgtest.MustOpen(b)
		}
		b.StartTimer()
		res, err := ingest.Kaggle(context.Background(), db, path, ingest.KaggleOptions{}, quiet)
		if err != nil || res.Papers != n {
			b.Fatalf("%+v %v", res, err)
		}
		b.ReportMetric(float64(n)/res.Elapsed.Seconds(), "papers/s")
	}
}
