package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/core"
)

// An import names papers the instance does not have: they are fetched in
// the background through arXiv's query API (a local server replaying a
// real Atom answer) and take the places the file gave them.
func TestImportFetchesFromArxiv(t *testing.T) {
	atom, _ := os.ReadFile("../arxiv/testdata/atom/query-deep-dream-start0-max10.atom.xml")
	asked := make(chan string, 10)
	arxivSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r.URL.Query().Get("id_list")
		w.Write(atom)
	}))
	defer arxivSrv.Close()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.QueryEndpoint, cfg.ArxivInterval, cfg.Demo = "127.0.0.1:0", t.TempDir(), arxivSrv.URL, 0, true
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	accounts := &core.Accounts{Store: m.DB, Now: time.Now}
	if _, err := accounts.Signup(ctx, "ann", "ann@example.org", "password-ann", ""); err != nil {
		t.Fatal(err)
	}
	tok, _ := accounts.CreateToken(ctx, "ann", "t")
	call := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, m.URL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	if code, b := call("POST", "/api/collections", `{"name": "Dreams"}`); code != 201 {
		t.Fatalf("create: %d %s", code, b)
	}
	// A stored demo paper between two that arXiv has to bring.
	demo := "2605.23888"
	list := "https://arxiv.org/abs/1511.08339v2\n" + demo + "\narXiv:1611.09520\n"
	code, b := call("POST", "/api/collections/dreams/import?format=ids", list)
	var rep core.ImportReport
	if err := json.Unmarshal(b, &rep); code != 200 || err != nil {
		t.Fatalf("import: %d %s", code, b)
	}
	if rep.Added != 1 || rep.Fetching != 2 || rep.Entries[0].Status != core.ImportFetching || rep.Entries[1].Status != core.ImportMatched {
		t.Fatalf("report %+v", rep)
	}
	if !m.Jobs.Trigger("import-fetch") {
		t.Fatal("no import-fetch job")
	}
	select {
	case ids := <-asked:
		if ids != "1511.08339,1611.09520" {
			t.Errorf("asked arXiv for %q", ids)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("arXiv was not asked")
	}
	var c struct {
		Items []struct{ Paper struct{ ID string } }
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(c.Items) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		_, b := call("GET", "/api/collections/dreams", "")
		_ = json.Unmarshal(b, &c)
	}
	var ids []string
	for _, it := range c.Items {
		ids = append(ids, it.Paper.ID)
	}
	if strings.Join(ids, " ") != "1511.08339 "+demo+" 1611.09520" {
		t.Errorf("collection %v, want the file's order", ids)
	}
}
