package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/testutil"
	"github.com/quire/quire/internal/web/ui"
)

// A fresh instance that follows a category harvests it from a local
// OAI-PMH endpoint (replaying a real capture of physics:hep-ex) and shows
// those papers on / and /papers/new with nothing submitted.
func TestFollowedCategoryReachesTheFrontPage(t *testing.T) {
	page, err := os.ReadFile("../arxiv/testdata/oai/functional-ListRecords-physics-hep-ex.xml")
	if err != nil {
		t.Fatal(err)
	}
	var sets []string
	arxivSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sets = append(sets, r.URL.Query().Get("set"))
		w.Write(page)
	}))
	defer arxivSrv.Close()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	cfg.Categories, cfg.OAIEndpoint, cfg.ArxivInterval, cfg.ArxivFormat = []string{"hep-ex"}, arxivSrv.URL, 0, "arXiv"
	hfSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("[]")) // today's list is still empty
	}))
	defer hfSrv.Close()
	cfg.HFSync, cfg.HFEndpoint = true, hfSrv.URL
	m := cli.NewMain(cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	get := func(path string) string {
		res, err := http.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return string(b)
	}
	if body := get("/"); !strings.Contains(body, "No papers yet") {
		t.Fatalf("a fresh instance's front page: %.300s", body)
	}
	if !m.Jobs.Trigger(ui.HarvestJob) {
		t.Fatal("no harvest job for --categories")
	}
	waitRuns(t, m, func(r []*store.IngestRun) bool { return len(r) > 0 && r[0].Status == "ok" })
	if len(sets) == 0 || sets[0] != "physics:hep-ex" {
		t.Errorf("harvested sets %v, want physics:hep-ex from --categories hep-ex", sets)
	}
	for _, path := range []string{"/", "/papers/new", "/c/hep-ex", "/papers/new?category=hep-ex"} {
		body := get(path)
		// The capture's newest paper (v1 of July 2017) is the latest listing.
		if !strings.Contains(body, "New on arXiv") || !strings.Contains(body, "Implications of right-handed neutrinos") ||
			!strings.Contains(body, `rel="prev"`) {
			i := strings.Index(body, "<main")
			t.Errorf("%s does not list the harvested papers: %.600s", path, body[max(i, 0):])
		}
	}
	// Every harvested paper is on the listing of its own day, reached by
	// the previous-day links.
	found, path := 0, "/papers/new"
	for i := 0; i < 5 && path != ""; i++ {
		body := get(path)
		for _, title := range []string{"Implications of right-handed neutrinos", "R-Parity Violation at the LHC", "Evaluation of Silicon Photomultipliers"} {
			if strings.Contains(body, title) {
				found++
			}
		}
		path = ""
		if j := strings.Index(body, `rel="prev" href="`); j >= 0 {
			rest := body[j+len(`rel="prev" href="`):]
			path = rest[:strings.IndexByte(rest, '"')]
		}
	}
	if found != 3 {
		t.Errorf("%d of the 3 harvested papers found through the listing days", found)
	}
	if body := get("/c/cs.LG"); strings.Contains(body, "Implications of right-handed") {
		t.Error("/c/cs.LG lists hep-ex papers")
	}
	// The API pages through them newest first; the feed has the latest.
	res, err := http.Get(m.URL() + "/api/papers?category=hep-ex&limit=2")
	if err != nil {
		t.Fatal(err)
	}
	var page1 []struct {
		ID string `json:"id"`
	}
	_ = json.NewDecoder(res.Body).Decode(&page1)
	res.Body.Close()
	link := res.Header.Get("Link")
	if len(page1) != 2 || !strings.Contains(link, `rel="next"`) {
		t.Fatalf("/api/papers page 1: %v, Link %q", page1, link)
	}
	nextURL := link[1:strings.Index(link, ">")]
	res, err = http.Get(m.URL() + nextURL)
	if err != nil {
		t.Fatal(err)
	}
	var page2 []struct {
		ID string `json:"id"`
	}
	_ = json.NewDecoder(res.Body).Decode(&page2)
	res.Body.Close()
	if len(page2) != 1 || res.Header.Get("Link") != "" || page2[0].ID == page1[0].ID || page2[0].ID == page1[1].ID {
		t.Errorf("/api/papers page 2: %v, Link %q", page2, res.Header.Get("Link"))
	}
	if feed := get("/feed/new.rss?category=hep-ex"); !strings.Contains(feed, "Implications of right-handed neutrinos") {
		t.Errorf("/feed/new.rss lacks the latest listing: %.300s", feed)
	}
	// /status shows both sources: the harvested category with its latest
	// day, and the Hugging Face sync (run once here).
	if !m.Jobs.Trigger(cli.HFTodayJob) {
		t.Fatal("no Hugging Face job for --hf-sync")
	}
	waitRuns(t, m, func(r []*store.IngestRun) bool { return len(r) > 1 && r[0].Kind == "hf" && r[0].Status == "ok" })
	status := get("/status")
	for _, want := range []string{"arXiv hep-ex", "2017-07-05", "Hugging Face Daily Papers", "nothing listed for"} {
		if !strings.Contains(status, want) {
			t.Errorf("/status lacks %q", want)
		}
	}
	metrics := get("/metrics")
	for _, want := range []string{`quire_source_last_success_timestamp_seconds{source="oai:physics:hep-ex"}`, `quire_source_papers_total{source="hf"}`,
		`quire_source_warning{source="oai:physics:hep-ex"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// quire ingest hf --live against a local server replaying a real day:
// the first answer is a 429 (waited out), a second sync brings the grown
// upvotes.
func TestIngestHFLive(t *testing.T) {
	day := "2026-08-05"
	raw, err := os.ReadFile(filepath.Join(testutil.SharedData(t, "hf-daily-papers"), day+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	var grow atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		if r.URL.Query().Get("date") != day || r.URL.Query().Get("p") != "0" {
			w.Write([]byte("[]"))
			return
		}
		var items []map[string]any
		_ = json.Unmarshal(raw, &items)
		for _, it := range items {
			p := it["paper"].(map[string]any)
			p["upvotes"] = p["upvotes"].(float64) + float64(grow.Load())
		}
		_ = json.NewEncoder(w).Encode(items)
	}))
	defer srv.Close()
	data := t.TempDir()
	args := []string{"ingest", "hf", "--live", "--from", day, "--to", day, "--hf-endpoint", srv.URL, "--data", data}
	start := time.Now()
	if code, out, errOut := run(t, args...); code != 0 || !strings.Contains(out, "synced") {
		t.Fatalf("first sync: %d %s %s", code, out, errOut)
	}
	if time.Since(start) < time.Second {
		t.Error("the 429's Retry-After was not waited out")
	}
	first := upvotes(t, data)
	grow.Store(4)
	if code, out, errOut := run(t, args...); code != 0 {
		t.Fatalf("second sync: %d %s %s", code, out, errOut)
	}
	second := upvotes(t, data)
	if len(first) == 0 || len(second) != len(first) {
		t.Fatalf("papers: %d then %d", len(first), len(second))
	}
	for id, n := range first {
		if second[id] != n+4 {
			t.Errorf("%s: %d upvotes after the second sync, want %d", id, second[id], n+4)
		}
	}
}

func upvotes(t *testing.T, data string) map[string]int {
	db, err := sqlite.Open(filepath.Join(data, "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.R.Query(`SELECT id, upvotes FROM papers`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		_ = rows.Scan(&id, &n)
		out[id] = n
	}
	return out
}
