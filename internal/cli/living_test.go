package cli_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/store"
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
}
