package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/web"
	"github.com/quire/quire/internal/web/auth"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type testServer struct {
	*httptest.Server
	DB       *sqlstore.DB
	Accounts *core.Accounts
}

// newTestServer serves the real router over a temporary SQLite store holding
// the given Hugging Face responses.
func newTestServer(t testing.TB, cacheBytes int, paths ...string) *testServer {
	return newServerWithRules(t, cacheBytes, core.DefaultSubmitRules, paths...)
}

func newServerWithRules(t testing.TB, cacheBytes int, rules core.SubmitRules, paths ...string) *testServer {
	return newServerWith(t, func(o *web.Options) { o.CacheBytes, o.Community.Rules = cacheBytes, rules }, paths...)
}

// newServerWith builds the test server with mod applied to its options.
func newServerWith(t testing.TB, mod func(*web.Options), paths ...string) *testServer {
	t.Helper()
	return newServerOn(t, sqlitetest.MustOpen(t), mod, paths...)
}

// newServerOn builds the test server over db (SQLite or PostgreSQL).
func newServerOn(t testing.TB, db *sqlstore.DB, mod func(*web.Options), paths ...string) *testServer {
	t.Helper()
	ctx := context.Background()
	if len(paths) > 0 {
		srcs, err := ingest.HFPaths(paths)
		if err != nil {
			t.Fatal(err)
		}
		if rep := ingest.HF(ctx, db, srcs, quiet); len(rep.Failed) > 0 {
			t.Fatal(rep.Failed)
		}
	}
	ix := search.New(db)
	papers := &core.Papers{Store: db, Search: ix, Log: quiet, Now: time.Now}
	accounts := &core.Accounts{Store: db, Now: time.Now, SessionTTL: time.Hour}
	community := &core.Community{Store: db, Rules: core.DefaultSubmitRules, Now: time.Now}
	signer := digest.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	site := digest.Site{Name: "quire", BaseURL: "https://papers.example.org", From: "quire <digest@papers.example.org>"}
	subs := &digest.Subscriptions{Store: db, Signer: signer, Site: site, Now: time.Now}
	sender := &digest.Sender{Store: db, Papers: papers, Signer: signer, Site: site, Log: quiet}
	library := &core.Library{Store: db, Now: time.Now, Titles: papers, Vectors: ix}
	opts := web.Options{Papers: papers, Accounts: accounts, Community: community, Library: library, Log: quiet, SiteName: "quire",
		Subscriptions: subs, Digests: sender, BaseURL: "https://papers.example.org", Limits: testLimits, Ready: db.Ready}
	if mod != nil {
		mod(&opts)
	}
	srv, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, DB: db, Accounts: accounts}
}

// get fetches path and returns the response with its body read.
func (ts *testServer) get(t testing.TB, path string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func (ts *testServer) getJSON(t testing.TB, path string, v any) *http.Response {
	t.Helper()
	res, body := ts.get(t, path)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
	return res
}

// testLimits are tight enough that the 429 tests reach them quickly.
var testLimits = auth.Limits{
	"login": {Burst: 5, Every: time.Minute}, "signup": {Burst: 20, Every: time.Minute},
	"vote": {Burst: 30, Every: time.Minute}, "submit": {Burst: 20, Every: time.Minute},
	"comment": {Burst: 5, Every: time.Minute},
}
