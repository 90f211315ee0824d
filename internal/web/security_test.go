package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/postgres/pgtest"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/web"
	"github.com/quire/quire/internal/web/auth"
)

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// behindProxy serves as if behind a reverse proxy on loopback, so that a
// test can speak for many client addresses through X-Forwarded-For.
func behindProxy(o *web.Options) {
	o.Proxies = auth.Proxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// post sends a form from client address from (through the trusted proxy).
func (ts *testServer) postFrom(t *testing.T, from, path string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// Defect 2: bodies are bounded before anything parses them.
func TestRequestBodiesAreBounded(t *testing.T) {
	ts := newTestServer(t, 0)
	big := strings.Repeat("a", 1<<20)
	res := ts.postFrom(t, "", "/login", url.Values{"username": {big}, "password": {"x"}})
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MB form: %d, want 413", res.StatusCode)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("username", "ann")
	fw, _ := mw.CreateFormFile("file", "x.bin")
	_, _ = fw.Write([]byte("small"))
	mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/login", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("multipart login: %d, want 415", r2.StatusCode)
	}
	// A chunked body (no Content-Length) is cut at the limit as it streams.
	req, _ = http.NewRequest("POST", ts.URL+"/api/papers/submit", io.MultiReader(strings.NewReader(`{"paper_id":"`),
		strings.NewReader(strings.Repeat("1", 200<<10)), strings.NewReader(`"}`)))
	req.ContentLength = -1
	tok := ts.member(t, "ann", "")
	req.Header.Set("Authorization", "Bearer "+tok)
	r3, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r3.Body.Close()
	if r3.StatusCode != 400 && r3.StatusCode != 413 {
		t.Errorf("chunked 200 KB JSON: %d", r3.StatusCode)
	}
}

// Defect 3: one address cannot exhaust sign-ups (or subscriptions) for
// everyone; an empty account key is no shared bucket.
func TestSignupLimitIsPerAddress(t *testing.T) {
	limits := auth.Limits{"signup": {Burst: 3, Every: time.Hour}}
	ts := newServerWith(t, func(o *web.Options) { behindProxy(o); o.Limits = limits })
	signup := func(from, name string) int {
		return ts.postFrom(t, from, "/signup", url.Values{"username": {name}, "email": {name + "@example.org"},
			"password": {"long-enough-password"}}).StatusCode
	}
	for i := 0; i < 3; i++ {
		if code := signup("203.0.113.7", fmt.Sprintf("spam%d", i)); code != http.StatusSeeOther {
			t.Fatalf("sign-up %d: %d", i, code)
		}
	}
	if code := signup("203.0.113.7", "spam9"); code != http.StatusTooManyRequests {
		t.Errorf("fourth sign-up from one address: %d, want 429", code)
	}
	for i, from := range []string{"198.51.100.1", "198.51.100.2", "2001:db8:1::5"} {
		if code := signup(from, fmt.Sprintf("person%d", i)); code != http.StatusSeeOther {
			t.Errorf("sign-up from another address %s after the spammer: %d", from, code)
		}
	}
	// One IPv6 client owns its /64: rotating addresses in it does not help.
	for i := 0; i < 3; i++ {
		signup(fmt.Sprintf("2001:db8:2::%x", i+1), fmt.Sprintf("six%d", i))
	}
	if code := signup("2001:db8:2::ffff", "six9"); code != http.StatusTooManyRequests {
		t.Errorf("fourth sign-up from one IPv6 /64: %d, want 429", code)
	}
}

// Forwarding headers count only from trusted proxies.
func TestForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	limits := auth.Limits{"signup": {Burst: 1, Every: time.Hour}}
	direct := newServerWith(t, func(o *web.Options) { o.Limits = limits })
	if code := direct.postFrom(t, "203.0.113.1", "/signup", url.Values{"username": {"a1"}, "email": {"a1@example.org"},
		"password": {"long-enough-password"}}).StatusCode; code != http.StatusSeeOther {
		t.Fatal(code)
	}
	// Not behind a proxy: a forged X-Forwarded-For does not make a new client.
	if code := direct.postFrom(t, "203.0.113.2", "/signup", url.Values{"username": {"a2"}, "email": {"a2@example.org"},
		"password": {"long-enough-password"}}).StatusCode; code != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For without --trusted-proxies: %d, want 429", code)
	}
	// HSTS only when the (trusted) scheme is https.
	proxied := newServerWith(t, behindProxy)
	for _, tc := range []struct {
		proto string
		want  bool
	}{{"https", true}, {"http", false}, {"", false}} {
		req, _ := http.NewRequest("GET", proxied.URL+"/healthz", nil)
		if tc.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Strict-Transport-Security") != ""; got != tc.want {
			t.Errorf("X-Forwarded-Proto %q: HSTS %v, want %v", tc.proto, got, tc.want)
		}
	}
	req, _ := http.NewRequest("GET", direct.URL+"/healthz", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	res, _ := http.DefaultClient.Do(req)
	res.Body.Close()
	if res.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS from an untrusted X-Forwarded-Proto")
	}
}

// Defect 4: no redirect after login or a form leaves the site.
func TestRedirectsStayLocal(t *testing.T) {
	ts := newServerWith(t, func(o *web.Options) { o.Limits = auth.Limits{} })
	ts.member(t, "ann", "")
	for _, next := range []string{"/%09/evil.example", "/\t/evil.example", "//evil.example", "/\\evil.example",
		"/\\/evil.example", "https://evil.example", "/%2F/evil.example", "/\r\n/evil.example", " //evil.example",
		"javascript:alert(1)", "/%5Cevil.example"} {
		res := ts.postFrom(t, "", "/login", url.Values{"username": {"ann"}, "password": {"password-ann"}, "next": {next}})
		loc := res.Header.Get("Location")
		// As a browser reads it: tabs and newlines dropped, '\' as '/'.
		seen := strings.NewReplacer("\t", "", "\r", "", "\n", "", "\\", "/").Replace(loc)
		u, err := url.Parse(seen)
		if res.StatusCode != http.StatusSeeOther || err != nil || u.Host != "" || u.Scheme != "" || strings.HasPrefix(seen, "//") {
			t.Errorf("next=%q: %d Location %q leaves the site", next, res.StatusCode, loc)
		}
	}
	res := ts.postFrom(t, "", "/login", url.Values{"username": {"ann"}, "password": {"password-ann"}, "next": {"/papers/trending?window=week"}})
	if loc := res.Header.Get("Location"); loc != "/papers/trending?window=week" {
		t.Errorf("a local next: %q", loc)
	}
}

// Defect 5: spelling an account differently is the same account to the
// limiter; a guesser locks out only their own address.
func TestLoginLimitIsPerAccountAndAddress(t *testing.T) {
	limits := auth.Limits{"login": {Burst: 100, Every: time.Hour}, "login-pair": {Burst: 5, Every: time.Hour},
		"login-account": {Burst: 50, Every: time.Hour}}
	ts := newServerWith(t, func(o *web.Options) { behindProxy(o); o.Limits = limits })
	ts.member(t, "bob", "")
	spellings := []string{"bob", " bob", "BOB", "Bob ", "bob@example.org", "BOB@EXAMPLE.ORG"}
	for i := 0; i < 5; i++ {
		ts.postFrom(t, "203.0.113.66", "/login", url.Values{"username": {spellings[i%len(spellings)]}, "password": {"guess"}})
	}
	for _, s := range spellings {
		if code := ts.postFrom(t, "203.0.113.66", "/login", url.Values{"username": {s}, "password": {"guess"}}).StatusCode; code != http.StatusTooManyRequests {
			t.Errorf("guess %q after five: %d, want 429", s, code)
		}
	}
	if code := ts.postFrom(t, "198.51.100.20", "/login", url.Values{"username": {"bob"}, "password": {"password-bob"}}).StatusCode; code != http.StatusSeeOther {
		t.Errorf("the real bob from his own address: %d, want a login", code)
	}
}

// Defect 8 and 10: feeds carry no live foreign markup, and one bad
// character does not break them.
func TestFeedsEscapeAndStayWellFormed(t *testing.T) {
	ts := newTestServer(t, 0)
	p := &model.Paper{ID: "2501.00002", Title: "Bad \x01 title <b>bold</b>", Summary: "Abstract with <img src=x onerror=alert(1)> and \x0b\x1f control",
		Authors: []model.Author{{Name: "Eve \x02 <script>"}}, GithubRepo: "javascript:alert(document.cookie)",
		Daily: &model.Submission{Day: model.MustDate("2025-01-03"), SubmittedAt: time.Now()}}
	if _, err := ts.DB.UpsertPapers(context.Background(), []*model.Paper{p}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/feed/daily.rss", "/feed/daily.atom", "/feed/search.rss?q=" + url.QueryEscape(`abstract <img src=x onerror=alert(9)>`),
		"/feed/search.atom?q=abstract"} {
		res, body := ts.get(t, path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		d := xml.NewDecoder(bytes.NewReader(body))
		var texts []string
		var in string
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", path, err)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				in = tok.Name.Local
				for _, a := range tok.Attr {
					if a.Name.Local == "type" && in != "link" {
						in += "." + a.Value
					}
				}
			case xml.CharData:
				// The elements readers render as HTML: RSS's, and Atom's
				// with type="html" (type="text" is shown as text).
				if in == "description" || in == "encoded" || in == "summary.html" || in == "content.html" {
					texts = append(texts, string(tok))
				}
			}
		}
		// What a reader renders as HTML (the decoded text) has no live tag
		// from the data and no javascript: link.
		all := strings.Join(texts, " ")
		if strings.Contains(all, "<img") || strings.Contains(all, "<script") || strings.Contains(all, "<b>") ||
			strings.Contains(all, "javascript:") {
			t.Errorf("%s: foreign markup as HTML: %.300s", path, all)
		}
	}
	_, body := ts.get(t, "/feed/daily.json")
	var jf struct {
		Items []struct {
			ContentHTML string `json:"content_html"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &jf); err != nil {
		t.Fatal(err)
	}
	for _, it := range jf.Items {
		if strings.Contains(it.ContentHTML, "javascript:") || strings.Contains(it.ContentHTML, "<img") {
			t.Errorf("JSON Feed content_html carries foreign markup: %.200s", it.ContentHTML)
		}
	}
}

// Defect 11: an API token cannot mint tokens or change the password.
func TestTokensCannotManageTheAccount(t *testing.T) {
	ts := newTestServer(t, 0)
	tok := ts.member(t, "ann", "")
	for _, path := range []string{"/settings/tokens", "/settings/password"} {
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(url.Values{"name": {"minted"}, "current": {"password-ann"},
			"new": {"another-password"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s with an API token: %d, want 403", path, res.StatusCode)
		}
	}
	toks, _ := ts.DB.ListAPITokens(context.Background(), "ann")
	if len(toks) != 1 {
		t.Errorf("%d tokens after the attempts, want the one", len(toks))
	}
}

// Defect 11: /metrics is not public; /readyz fails when writes do.
func TestMetricsAndReadiness(t *testing.T) {
	ts := newServerWith(t, func(o *web.Options) {
		o.MetricsAllow = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		o.MetricsToken = "metrics-secret"
	}, "../hf/testdata/2024-05-27.json")
	tok := ts.member(t, "ann", "")
	if res, _ := ts.get(t, "/metrics"); res.StatusCode != http.StatusForbidden {
		t.Errorf("/metrics from a network not allowed: %d", res.StatusCode)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer metrics-secret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("/metrics with the token: %d", res.StatusCode)
	}
	if res, _ := ts.get(t, "/readyz"); res.StatusCode != 200 {
		t.Errorf("/readyz: %d", res.StatusCode)
	}
	// The one write connection stops taking writes (as on a read-only or
	// full disk): reads still work, so /healthz is alive, but not ready.
	if _, err := ts.DB.W.Exec(`PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	if res, _ := ts.get(t, "/healthz"); res.StatusCode != 200 {
		t.Errorf("/healthz while writes fail: %d (alive)", res.StatusCode)
	}
	res, _ = ts.get(t, "/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("/readyz while writes fail: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// A write through the API is a 503 to retry, not a 500.
	code, body, retry := ts.call(t, "POST", "/api/papers/2405.15738/upvote", tok, "")
	if code != http.StatusServiceUnavailable || retry == "" || !strings.Contains(fmt.Sprint(body["error"]), "try again") {
		t.Errorf("vote while the database takes no writes: %d %v, Retry-After %q", code, body, retry)
	}
}

// Defect 11: the break-glass admin token is rate limited per address.
func TestAdminTokenIsRateLimited(t *testing.T) {
	ts := newServerWith(t, func(o *web.Options) {
		o.AdminToken = strings.Repeat("k", 32)
		o.Limits = auth.Limits{"admin": {Burst: 3, Every: time.Hour}}
	})
	try := func(pass string) int {
		req, _ := http.NewRequest("GET", ts.URL+"/admin", nil)
		req.SetBasicAuth("admin", pass)
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := 0; i < 3; i++ {
		if code := try("guess"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code := try(strings.Repeat("k", 32)); code != http.StatusTooManyRequests {
		t.Errorf("fourth try (even the right token): %d, want 429", code)
	}
}

// Defect 11: a database locked by another process past busy_timeout gives
// 503 with Retry-After, not 500.
func TestBusyDatabaseIs503(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out SQLite's 10 s busy timeout")
	}
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	tok := ts.member(t, "ann", "")
	var seq int
	var name, path string
	if err := ts.DB.R.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &path); err != nil {
		t.Fatal(err)
	}
	other, err := sqlite.Open(path) // another process's connection, as quire ingest would hold
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.W.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), `ROLLBACK`)
	code, body, retry := ts.call(t, "POST", "/api/papers/2405.15738/upvote", tok, "")
	if code != http.StatusServiceUnavailable || retry == "" || !strings.Contains(fmt.Sprint(body["error"]), "busy") {
		t.Errorf("vote while another process holds the write lock: %d %v, Retry-After %q", code, body, retry)
	}
}

// Defect 3: one address gets a bounded number of confirmation mails,
// whoever asks and from wherever; other addresses are not affected.
func TestSubscribeCooldownPerAddress(t *testing.T) {
	ts := newServerWith(t, func(o *web.Options) {
		behindProxy(o)
		o.Limits = auth.Limits{"subscribe": {Burst: 100, Every: time.Hour}, "subscribe-address": {Burst: 2, Every: time.Hour}}
	})
	sub := func(from, email string) int {
		return ts.postFrom(t, from, "/subscribe", url.Values{"email": {email}, "frequency": {"daily"}}).StatusCode
	}
	sub("203.0.113.1", "victim@example.org")
	sub("203.0.113.2", "Victim@Example.org ")
	if code := sub("203.0.113.3", "VICTIM@example.org"); code != http.StatusTooManyRequests {
		t.Errorf("third request for one address from a third client: %d, want 429", code)
	}
	if code := sub("203.0.113.3", "someone@example.org"); code == http.StatusTooManyRequests {
		t.Error("another address is limited too")
	}
}

// Defect 12: the confirm and unsubscribe pages log their 5xx like every
// other error path (and do not call a database failure a bad link).
func TestTokenPagesLogServerErrors(t *testing.T) {
	var logs syncBuffer
	ts := newServerWith(t, func(o *web.Options) { o.Log = slog.New(slog.NewTextHandler(&logs, nil)) })
	signer := digest.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	confirm := signer.Sign(digest.PurposeConfirm, 1, time.Now().Add(time.Hour))
	unsub := signer.Sign(digest.PurposeUnsubscribe, 1, time.Time{})
	ts.DB.Close() // every query fails from here
	for _, tc := range []struct{ method, path string }{{"GET", "/subscribe/confirm?t=" + confirm}, {"POST", "/unsubscribe?t=" + unsub}} {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode < 500 {
			t.Errorf("%s %s with the database down: %d", tc.method, tc.path, res.StatusCode)
		}
		if !strings.Contains(logs.String(), strings.SplitN(tc.path, "?", 2)[0]) {
			t.Errorf("%s: the 5xx was not logged:\n%s", tc.path, logs.String())
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// With --rate-limits=database two replicas on one database count against
// one bucket: three sign-ups through one, the fourth through the other is
// refused. By default each replica counts alone.
func TestRateLimitsSharedByReplicas(t *testing.T) {
	limits := auth.Limits{"signup": {Burst: 3, Every: time.Hour}}
	for _, backend := range []struct {
		name string
		open func(testing.TB) *sqlstore.DB
	}{{"sqlite", sqlitetest.MustOpen}, {"postgres", pgtest.MustOpen}} {
		t.Run(backend.name, func(t *testing.T) {
			db := backend.open(t)
			replica := func(shared bool) *testServer {
				return newServerOn(t, db, func(o *web.Options) {
					behindProxy(o)
					o.Limits = limits
					if shared {
						o.SharedLimits = db
					}
				})
			}
			signup := func(ts *testServer, from, name string) int {
				return ts.postFrom(t, from, "/signup", url.Values{"username": {name}, "email": {name + "@example.org"},
					"password": {"long-enough-password"}}).StatusCode
			}
			a, b := replica(true), replica(true)
			for i := range 3 {
				if code := signup(a, "203.0.113.9", fmt.Sprintf("shared%d", i)); code != http.StatusSeeOther {
					t.Fatalf("sign-up %d through replica a: %d", i, code)
				}
			}
			if code := signup(b, "203.0.113.9", "shared9"); code != http.StatusTooManyRequests {
				t.Errorf("fourth sign-up through replica b: %d, want 429", code)
			}
			if code := signup(b, "198.51.100.9", "elsewhere"); code != http.StatusSeeOther {
				t.Errorf("another address through replica b: %d", code)
			}
			c, d := replica(false), replica(false)
			for i := range 3 {
				signup(c, "203.0.113.10", fmt.Sprintf("apart%d", i))
			}
			if code := signup(d, "203.0.113.10", "apart9"); code != http.StatusSeeOther {
				t.Errorf("per-replica limits: replica d refused a sign-up counted on c: %d", code)
			}
		})
	}
}
