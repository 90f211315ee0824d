package cli_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/store"
)

// TestAdminHarvest runs the server with a configured set against a local
// server replaying real OAI-PMH captures: the first harvest fails (HTTP 500),
// is shown as failed on the admin page, and "Harvest now" then imports.
func TestAdminHarvest(t *testing.T) {
	page, _ := os.ReadFile("../arxiv/testdata/oai/functional-ListRecords-physics-hep-ex.xml")
	var up atomic.Bool
	arxivSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", 500)
			return
		}
		w.Write(page)
	}))
	defer arxivSrv.Close()

	cfg := config.Default()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	cfg.AdminToken, cfg.ArxivSets, cfg.OAIEndpoint, cfg.ArxivInterval = "s3cret-s3cret-s3cret-s3cret-s3cret", []string{"physics:hep-ex"}, arxivSrv.URL, 0
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	post := func(header map[string]string) int {
		req, _ := http.NewRequest("POST", m.URL()+"/admin/harvest", strings.NewReader(url.Values{}.Encode()))
		req.SetBasicAuth("admin", "s3cret-s3cret-s3cret-s3cret-s3cret")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := noFollow.Get(m.URL() + "/admin"); err != nil || res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/login?next=/admin" {
		t.Errorf("admin without credentials: %v %v, want a redirect to the login", res, err)
	}
	wrong, _ := http.NewRequest("GET", m.URL()+"/admin", nil)
	wrong.SetBasicAuth("admin", "wrong-wrong-wrong-wrong-wrong-wrong")
	if res, err := http.DefaultClient.Do(wrong); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("admin with a wrong token: %v %v", res, err)
	}
	if code := post(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", code)
	}
	if code := post(nil); code != http.StatusSeeOther {
		t.Fatalf("harvest now: %d", code)
	}
	runs := waitRuns(t, m, func(r []*store.IngestRun) bool { return len(r) > 0 && r[0].Status == "failed" })
	if !strings.Contains(runs[0].Message, "HTTP 500") {
		t.Errorf("failed run message %q", runs[0].Message)
	}
	req, _ := http.NewRequest("GET", m.URL()+"/admin", nil)
	req.SetBasicAuth("admin", "s3cret-s3cret-s3cret-s3cret-s3cret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 1<<16)
	n, _ := res.Body.Read(body)
	res.Body.Close()
	if !strings.Contains(string(body[:n]), "HTTP 500") {
		t.Errorf("admin page does not show the failure")
	}

	up.Store(true)
	post(nil)
	waitRuns(t, m, func(r []*store.IngestRun) bool {
		for _, x := range r {
			if x.Status == "ok" && x.Records == 3 {
				return true
			}
		}
		return false
	})
	if code, _ := get(t, m.URL()+"/api/papers/1706.05371"); code != 200 {
		t.Errorf("harvested paper not served: %d", code)
	}
}

func waitRuns(t *testing.T, m *cli.Main, ok func([]*store.IngestRun) bool) []*store.IngestRun {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		runs, err := m.DB.RecentIngestRuns(context.Background(), 10)
		if err == nil && ok(runs) {
			return runs
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs = %+v, %v", runs, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
