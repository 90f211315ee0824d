package cli_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
)

// A pasted arXiv URL of a paper the instance does not have: search fetches
// it through the query API (a local server replaying a real Atom answer)
// and answers with it.
func TestSearchFetchesPastedArxivURL(t *testing.T) {
	atom, _ := os.ReadFile("../arxiv/testdata/atom/query-deep-dream-start0-max10.atom.xml")
	asked := make(chan string, 4)
	arxivSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r.URL.Query().Get("id_list")
		w.Write(atom)
	}))
	defer arxivSrv.Close()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.QueryEndpoint, cfg.ArxivInterval = "127.0.0.1:0", t.TempDir(), arxivSrv.URL, 0
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res, err := http.Get(m.URL() + "/api/papers/search?q=" + url.QueryEscape("https://arxiv.org/abs/1611.09520v2"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var hits []struct{ Paper struct{ ID, Title string } }
	if err := json.NewDecoder(res.Body).Decode(&hits); err != nil || res.StatusCode != 200 {
		t.Fatalf("search: %d %v", res.StatusCode, err)
	}
	if len(hits) != 1 || hits[0].Paper.ID != "1611.09520" || !strings.HasPrefix(hits[0].Paper.Title, "Hierarchical Neural Representation of Dreamed Objects") {
		t.Errorf("hits %+v", hits)
	}
	if got := <-asked; got != "1611.09520" {
		t.Errorf("asked arXiv for %q", got)
	}
}
