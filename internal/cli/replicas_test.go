package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/postgres"
	"github.com/quire/quire/internal/store/postgres/pgtest"
)

// startReplica runs a real server on the PostgreSQL database url, with its
// own data directory (its search snapshot), as one of several replicas.
func startReplica(t *testing.T, url string, demo bool) *cli.Main {
	t.Helper()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo, cfg.DatabaseURL = "127.0.0.1:0", t.TempDir(), demo, url
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// Two replicas on one PostgreSQL database: a paper written through a third
// connection (quire ingest on another machine) reaches both replicas'
// cached pages within 1 s and their search within 2 s.
func TestReplicasShareWrites(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a := startReplica(t, url, true)
	b := startReplica(t, url, false)
	for _, m := range []*cli.Main{a, b} {
		if code, _ := get(t, m.URL()+"/api/daily_papers"); code != 200 {
			t.Fatalf("%s: /api/daily_papers: %d", m.URL(), code)
		}
		get(t, m.URL()+"/") // cached now
	}
	other, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p := &model.Paper{ID: "2611.00001", Title: "Zebrafish Quasicrystal Lattices", Summary: "An abstract.",
		Daily: &model.Submission{Day: model.MustDate("2027-01-04"), SubmittedAt: time.Now()}}
	if _, err := other.UpsertPapers(context.Background(), []*model.Paper{p}); err != nil {
		t.Fatal(err)
	}
	wrote := time.Now()
	for _, m := range []*cli.Main{a, b} {
		waitFor(t, wrote, time.Second, m.URL()+" home page", func() bool {
			_, body := get(t, m.URL()+"/")
			return strings.Contains(body, "Zebrafish")
		})
	}
	for _, m := range []*cli.Main{a, b} {
		waitFor(t, wrote, 2*time.Second, m.URL()+" search", func() bool {
			var items []json.RawMessage
			_, body := get(t, m.URL()+"/api/papers/search?q=zebrafish+quasicrystal")
			return json.Unmarshal([]byte(body), &items) == nil && len(items) == 1
		})
	}
}

// waitFor polls ok until it holds, failing when that takes longer than
// within after since.
func waitFor(t *testing.T, since time.Time, within time.Duration, what string, ok func() bool) {
	t.Helper()
	for !ok() {
		if time.Since(since) > within {
			t.Fatalf("%s: not there %s after the write", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("%s: %s after the write", what, time.Since(since).Round(time.Millisecond))
}
