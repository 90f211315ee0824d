package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// startMain runs the real server on a free port over a temporary data dir.
func startMain(t *testing.T, demo bool) *cli.Main {
	t.Helper()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", t.TempDir(), demo
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestMainServesDemo(t *testing.T) {
	m := startMain(t, true)
	for _, path := range []string{"/", "/healthz", "/api/daily_papers", "/feed/daily.rss", "/papers?q=flow+matching"} {
		if code, body := get(t, m.URL()+path); code != 200 || body == "" {
			t.Errorf("GET %s = %d", path, code)
		}
	}
	code, body := get(t, m.URL()+"/metrics")
	if code != 200 || !strings.Contains(body, `quire_http_requests_total{code="200",method="GET",route="GET /{$}"}`) {
		t.Errorf("metrics do not count requests by route:\n%.500s", body)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(m.URL(), "http://"), time.Second); err == nil {
		t.Error("still listening after Close")
	}
}

// TestWritesFromAnotherProcessShowUp writes through a second connection to
// the database file, as `quire ingest` does while the server runs, and
// waits for the paper to reach pages, API and search.
func TestWritesFromAnotherProcessShowUp(t *testing.T) {
	m := startMain(t, true)
	code, _ := get(t, m.URL()+"/api/papers/2611.00001")
	if code != 404 {
		t.Fatalf("paper exists before the write: %d", code)
	}
	other, err := sqlite.Open(m.Config.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p := &model.Paper{ID: "2611.00001", Title: "Zebrafish Quasicrystal Lattices", Summary: "An abstract.",
		Daily: &model.Submission{Day: model.MustDate("2026-11-27"), SubmittedAt: time.Now()}}
	if _, err := other.UpsertPapers(context.Background(), []*model.Paper{p}); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, m.URL()+"/api/papers/2611.00001"); code != 200 {
		t.Errorf("API after the write: %d", code)
	}
	// Cached pages follow another process's commits within 50 ms, the search
	// index within its 2 s sync.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, body := get(t, m.URL()+"/"); strings.Contains(body, "Zebrafish") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("home page does not show the newest day after the write")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		var items []struct{ Paper struct{ Title string } }
		_, body := get(t, m.URL()+"/api/papers/search?q=zebrafish+quasicrystal")
		// First: the feedback pass may bring papers sharing its other words after it.
		if json.Unmarshal([]byte(body), &items) == nil && len(items) > 0 && items[0].Paper.Title == "Zebrafish Quasicrystal Lattices" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search did not find the new paper: %s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	code := cli.Run(context.Background(), args, env)
	return code, out.String(), errOut.String()
}

func TestIngestCommand(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	good, _ := os.ReadFile("../hf/testdata/2024-05-27.json")
	os.WriteFile(filepath.Join(dir, "2024-05-27.json"), good, 0o644)
	os.WriteFile(filepath.Join(dir, "2024-05-28.json"), []byte(`[{"paper":{"id":"2405.00001","title":"x"}`), 0o644)
	code, out, errOut := run(t, "ingest", "hf", "--data", data, dir)
	if code != 1 || !strings.Contains(out, "imported 13 papers from 1 files") ||
		!strings.Contains(errOut, "2024-05-28.json") || !strings.Contains(errOut, "1 of 2 files failed") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, _ = run(t, "ingest", "hf", "--data", data, filepath.Join(dir, "2024-05-27.json"))
	if code != 0 || !strings.Contains(out, "(0 new, 13 updated)") {
		t.Errorf("re-import: exit %d, %s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"ingest"}, {"ingest", "hf"}, {"serve", "--addr", "nohost"},
		{"serve", "--log-level", "loud"}} {
		if code, _, errOut := run(t, args...); code != 2 || errOut == "" {
			t.Errorf("quire %v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "quire ") {
		t.Errorf("version: %d %q", code, out)
	}
}

// syncBuffer is a bytes.Buffer safe to read while the server writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeStopsOnSignal(t *testing.T) {
	var out, errOut syncBuffer
	env := cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
		return map[string]string{"QUIRE_ADDR": "127.0.0.1:0", "QUIRE_DATA": t.TempDir()}[k]
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- cli.Run(ctx, []string{"serve"}, env) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "quire is serving on http://127.0.0.1:") {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel() // what SIGINT/SIGTERM do through signal.NotifyContext
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	data := t.TempDir()
	runIn := func(stdin string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		env := cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
		return cli.Run(context.Background(), args, env), out.String(), errOut.String()
	}
	if code, out, errOut := runIn("s3cret-pass\n", "user", "add", "ann", "--data", data, "--email", "ann@example.org", "--admin"); code != 0 || !strings.Contains(out, "created admin ann") {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runIn("short\n", "user", "add", "--data", data, "--email", "bob@example.org", "bob"); code == 0 || !strings.Contains(errOut, "at least 8") {
		t.Errorf("short password accepted: %d %s", code, errOut)
	}
	if code, _, errOut := runIn("another-pass\n", "user", "add", "--data", data, "--email", "ANN@example.org", "ann2"); code == 0 || !strings.Contains(errOut, "already taken") {
		t.Errorf("duplicate e-mail: %d %s", code, errOut)
	}
	code, out, _ := runIn("", "token", "create", "--data", data, "ann")
	if code != 0 || !strings.HasPrefix(out, "qt_") {
		t.Fatalf("token create: %d %q", code, out)
	}
	if code, out, _ := runIn("new-password-1\n", "user", "passwd", "--data", data, "ann"); code != 0 || !strings.Contains(out, "changed") {
		t.Errorf("passwd: %d %s", code, out)
	}
	if code, _, errOut := runIn("", "token", "create", "--data", data, "nobody"); code == 0 || !strings.Contains(errOut, "no account") {
		t.Errorf("token for unknown user: %d %s", code, errOut)
	}
}
