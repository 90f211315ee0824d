package cli_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quire/quire/internal/arxiv/arxivtest"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/testutil"
)

// buildQuire builds the real binary once per test run.
func buildQuire(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "quire")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/quire")
	cmd.Dir = testutil.RepoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKillAndRerunKaggle SIGKILLs `quire ingest kaggle` in the middle of an
// import and runs it again: the second run resumes and every record ends up
// stored exactly once.
func TestKillAndRerunKaggle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildQuire(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "snapshot.json")
	tmpl, err := arxivtest.Templates("../arxiv/testdata/kaggle/arxiv-metadata-oai-snapshot.head-0001-0150.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	const lines = 60000
	f, _ := os.Create(input)
	if err := arxivtest.Write(f, tmpl, lines, 7); err != nil {
		t.Fatal(err)
	}
	f.Close()
	data := filepath.Join(dir, "data")

	cmd := exec.Command(bin, "ingest", "kaggle", "--data", data, "--log-level", "warn", input)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once a batch or two has been committed.
	db := waitForProgress(t, filepath.Join(data, "quire.db"), input)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("import finished before the kill (%v); make the input larger", err)
	}

	out, err := exec.Command(bin, "ingest", "kaggle", "--data", data, "--log-level", "warn", input).CombinedOutput()
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "resumed after line ") {
		t.Errorf("the rerun started over:\n%s", out)
	}
	n, err := db.CountPapers(context.Background(), store.PaperFilter{})
	if err != nil || n != lines {
		t.Fatalf("%d papers after kill and rerun, want %d (%v)", n, lines, err)
	}
	var events int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM paper_events`).Scan(&events); err != nil || events != 0 {
		t.Errorf("%d version events from re-applied records, want 0 (%v)", events, err)
	}
}

func waitForProgress(t *testing.T, dbPath, input string) *sqliteDB {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(dbPath); err == nil {
			db, err := sqlite.Open(dbPath)
			if err == nil {
				var line int64
				err = db.R.QueryRow(`SELECT line FROM import_progress`).Scan(&line)
				if err == nil && line > 0 {
					t.Cleanup(func() { db.Close() })
					return db
				}
				db.Close()
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no import progress within 60 s")
	return nil
}

type sqliteDB = sqlstore.DB

// TestConcurrentHarvestRefused runs two `quire ingest oai` processes on the
// same set: while the first waits on a slow arXiv, the second refuses, and
// the cursor the first leaves is intact.
func TestConcurrentHarvestRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildQuire(t)
	page, _ := os.ReadFile("../arxiv/testdata/oai/functional-ListRecords-physics-hep-ex.xml")
	release, arrived := make(chan struct{}), make(chan struct{}, 10)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		w.Write(page)
	}))
	defer slow.Close()
	data := t.TempDir()
	args := []string{"ingest", "oai", "--data", data, "--oai-endpoint", slow.URL, "--interval", "0", "--set", "physics:hep-ex"}
	first := exec.Command(bin, args...)
	var firstOut strings.Builder
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	// The first one asks arXiv only after taking the set's lock.
	select {
	case <-arrived:
	case <-time.After(30 * time.Second):
		t.Fatal("first harvest never asked arXiv")
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "another run holds it") {
		t.Errorf("second harvest: %v\n%s", err, out)
	}
	close(release)
	if err := first.Wait(); err != nil {
		t.Fatalf("first harvest: %v\n%s", err, firstOut.String())
	}
	if !strings.Contains(firstOut.String(), "set physics:hep-ex: 3 papers") {
		t.Errorf("first harvest output:\n%s", firstOut.String())
	}
}
