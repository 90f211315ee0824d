package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
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
			var items []struct{ Paper struct{ Title string } }
			_, body := get(t, m.URL()+"/api/papers/search?q=zebrafish+quasicrystal")
			// First: the feedback pass may bring papers sharing its other words after it.
			return json.Unmarshal([]byte(body), &items) == nil && len(items) > 0 && items[0].Paper.Title == p.Title
		})
	}
}

// waitFor polls ok until it holds, failing when that takes longer than
// within after since.
func waitFor(t *testing.T, since time.Time, within time.Duration, what string, ok func() bool) {
	t.Helper()
	for !ok() {
		if time.Since(since) > within {
			t.Fatalf("%s: not reached within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("%s: after %s", what, time.Since(since).Round(time.Millisecond))
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
	activeSubscribers(t, db, n)
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
	killAfterMail(t, mp, a, 150)
	if err := b.Wait(); err != nil {
		t.Fatalf("the second sender: %v %s", err, bOut.String())
	}
	// mailpit may show a message it has acknowledged a moment later: wait
	// up to 5 s for the count to reach n (a lost message stays lost).
	total, msgs := mp.Messages(t, 2*n)
	for deadline := time.Now().Add(5 * time.Second); total < n && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		total, msgs = mp.Messages(t, 2*n)
	}
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

// PostgreSQL stopped under load and started again: while it is down,
// requests get a 503 with a message and Retry-After (never a 500 or a
// panic); once it is back quire serves again without a restart.
func TestPostgresRestartUnderLoad(t *testing.T) {
	pg := pgtest.StartCluster(t)
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo, cfg.DatabaseURL, cfg.CacheMB = "127.0.0.1:0", t.TempDir(), true, pg.URL, 0
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	type result struct {
		code  int
		retry string
		body  string
	}
	hit := func(path string) result {
		res, err := http.Get(m.URL() + path)
		if err != nil {
			return result{code: -1, body: err.Error()}
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return result{res.StatusCode, res.Header.Get("Retry-After"), string(b)}
	}
	paths := []string{"/", "/api/daily_papers", "/papers/new", "/api/papers/search?q=diffusion"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := map[int]int{}
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }); wg.Wait() }
	t.Cleanup(halt) // before the server closes, however the test ends
	for _, path := range paths {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := hit(path)
				mu.Lock()
				total[r.code]++
				mu.Unlock()
				if r.code != 200 && r.code != 503 {
					t.Errorf("GET %s while PostgreSQL restarts: %d %.200s", path, r.code, r.body)
				}
				if r.code == 503 && (r.retry == "" || !strings.Contains(r.body, "database")) {
					t.Errorf("GET %s: 503 without Retry-After or a message: %q %.200s", path, r.retry, r.body)
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	time.Sleep(200 * time.Millisecond)
	pg.Stop()
	down := time.Now()
	waitFor(t, down, 10*time.Second, "a 503 while PostgreSQL is down", func() bool { return hit("/api/daily_papers").code == 503 })
	time.Sleep(300 * time.Millisecond)
	pg.Start()
	up := time.Now()
	waitFor(t, up, 10*time.Second, "serving again after PostgreSQL restarted", func() bool {
		return hit("/api/daily_papers").code == 200 && hit("/").code == 200
	})
	halt()
	t.Logf("responses by status during the restart: %v", total)
	if total[503] == 0 || total[200] == 0 {
		t.Errorf("responses %v: want both 200s and 503s", total)
	}
}

// quire copy moves an instance to PostgreSQL and back, and a server runs
// on the copy.
func TestCopyCommand(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := run(t, "ingest", "hf", "--data", data, "../hf/testdata/2024-05-27.json"); code != 0 {
		t.Fatal(errOut)
	}
	url := pgtest.NewDatabase(t)
	code, out, errOut := run(t, "copy", "--data", data, "--to", url)
	if code != 0 || !strings.Contains(out, "counts checked") {
		t.Fatalf("copy to PostgreSQL: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, "copy", "--data", t.TempDir(), "--to", url); code == 0 || !strings.Contains(errOut, "not empty") {
		t.Errorf("a copy of another instance into the same database: exit %d %s", code, errOut)
	}
	back := t.TempDir()
	if code, out, errOut := run(t, "copy", "--from", url, "--to", "sqlite:"+back); code != 0 || !strings.Contains(out, "counts checked") {
		t.Fatalf("copy back: exit %d\n%s%s", code, out, errOut)
	}
	m := startReplica(t, url, false)
	if code, body := get(t, m.URL()+"/api/daily_papers?date=2024-05-27"); code != 200 || strings.Count(body, `"paper":`) != 13 {
		t.Errorf("the copied instance serves %d: %.300s", code, body)
	}
}

// A replica can run the jobs only (--web=false) or the web only
// (--jobs=false), as a deployment splits them.
func TestJobsAndWebReplicas(t *testing.T) {
	url := pgtest.NewDatabase(t)
	cfg := config.Default()
	cfg.DataDir, cfg.DatabaseURL, cfg.Web, cfg.Categories = t.TempDir(), url, false, []string{"cs.LG"}
	jobs := cli.NewMain(cfg, quiet)
	if err := jobs.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if jobs.URL() != "" || len(jobs.Jobs.Statuses()) == 0 {
		t.Errorf("the jobs replica listens at %q and has %d jobs", jobs.URL(), len(jobs.Jobs.Statuses()))
	}
	cfg = config.Default()
	cfg.Addr, cfg.DataDir, cfg.DatabaseURL, cfg.Jobs, cfg.Categories = "127.0.0.1:0", t.TempDir(), url, false, []string{"cs.LG"}
	web := cli.NewMain(cfg, quiet)
	if err := web.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(web.Jobs.Statuses()); n != 0 {
		t.Errorf("the web replica has %d jobs", n)
	}
	if code, _ := get(t, web.URL()+"/status"); code != 200 {
		t.Errorf("/status on the web replica: %d", code)
	}
	for _, m := range []*cli.Main{web, jobs} {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	cfg.Web = false
	if err := cfg.Validate(); err == nil {
		t.Error("--web=false with --jobs=false was accepted")
	}
}
