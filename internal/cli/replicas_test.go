package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/postgres"
	"github.com/quire/quire/internal/store/postgres/pgtest"
	"github.com/quire/quire/internal/testutil"
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

// Two digest senders on one PostgreSQL database, one SIGKILLed halfway
// through 1,000 digests: the other takes over its claims once their lease
// runs out, and every subscriber gets exactly one digest.
func TestKillOneOfTwoDigestSenders(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	url := pgtest.NewDatabase(t)
	mp := testutil.StartMailpit(t)
	bin := buildQuire(t)
	if out, err := exec.Command(bin, "ingest", "hf", "--database-url", url, "--data", t.TempDir(), "../hf/testdata/2024-05-27.json").CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v %s", err, out)
	}
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	for i := range n {
		s, err := db.CreateSubscription(context.Background(), &model.Subscription{Email: fmt.Sprintf("r%04d@example.org", i), Frequency: model.Daily})
		if err == nil {
			err = db.SetSubscriptionStatus(context.Background(), s.ID, model.SubActive)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	sender := func() *exec.Cmd {
		return exec.Command(bin, "digest", "send", "--database-url", url, "--data", t.TempDir(), "--smtp-url", "smtp://"+mp.SMTP,
			"--mail-rate", "0", "--base-url", "https://papers.example.org", "--lease", "2s", "--period", "daily", "--date", "2024-05-28",
			"--log-level", "warn")
	}
	a, b := sender(), sender()
	var bOut strings.Builder
	b.Stdout, b.Stderr = &bOut, &bOut
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	waitMail(t, mp, 150)
	_ = a.Process.Signal(syscall.SIGKILL)
	_ = a.Wait()
	if ws, ok := a.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatal("the first sender finished before the kill")
	}
	if err := b.Wait(); err != nil {
		t.Fatalf("the second sender: %v %s", err, bOut.String())
	}
	total, msgs := mp.Messages(t, 2*n)
	ids, to := map[string]bool{}, map[string]bool{}
	for _, msg := range msgs {
		ids[msg.MessageID] = true
		for _, r := range msg.To {
			to[r.Address] = true
		}
	}
	if total != n || len(ids) != n || len(to) != n {
		t.Fatalf("%d messages (%d distinct, to %d addresses) after one of two senders was killed, want %d: %s", total, len(ids), len(to), n, bOut.String())
	}
}
