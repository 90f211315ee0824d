package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/testutil"
)

func TestPagesRender(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata")
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"Mon, Oct 13, 2025", `<link rel="alternate" type="application/rss&#43;xml"`, "ranked by upvotes"}},
		{"/papers/date/2025-03-17", 200, []string{"← Mon, Aug 5, 2024", `href="/papers/date/2025-10-13"`}},
		{"/papers/date/2025-10-13", 200, []string{"Thinking with Camera", `rel="prev" href="/papers/date/2025-03-17"`}},
		{"/papers/week/2025-W42", 200, []string{"Week 42, 2025", "Thinking with Camera"}},
		{"/papers/month/2025-10", 200, []string{"October 2025"}},
		{"/papers/date/2025-10-11", 200, []string{"takes the weekend off", `href="/papers/date/2025-10-13"`, "Mon, Oct 13, 2025"}},
		{"/papers/date/2025-06-04", 200, []string{"No papers on the list", `href="/papers/date/2025-03-17"`, `href="/papers/date/2025-10-13"`}},
		{"/papers/2510.08673", 200, []string{"Kang Liao", "https://arxiv.org/abs/2510.08673", "https://arxiv.org/pdf/2510.08673", "Abstract"}},
		{"/papers?q=camera", 200, []string{"Results for “camera”", "Thinking with Camera", "/feed/search.rss?q=camera"}},
		{"/papers?q=", 200, []string{"Search papers"}},
		{"/papers/trending", 200, []string{"Trending papers this week", "half-life", `href="/papers/trending?window=day"`}},
		{"/papers/trending?window=month", 200, []string{"Trending papers this month"}},
		{"/orgs", 200, []string{"Organizations"}},
		{"/papers/9999.99999", 404, []string{"not found"}},
		{"/papers/date/2025-02-30", 404, []string{"invalid date"}},
		{"/no/such/page", 404, []string{"There is no page at /no/such/page."}},
		{"/healthz", 200, []string{"ok"}},
	} {
		res, body := ts.get(t, tc.path)
		if res.StatusCode != tc.status {
			t.Errorf("GET %s = %d, want %d", tc.path, res.StatusCode, tc.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s: body lacks %q", tc.path, w)
			}
		}
	}
}

// TestEveryDemoDayRenders renders the day, week and month page of every day
// of the demo corpus and the page of every paper in it.
func TestEveryDemoDayRenders(t *testing.T) {
	ts := newTestServer(t, 0, "../demo/data")
	ctx := context.Background()
	papers, err := ts.DB.FindPapers(ctx, storeAll())
	if err != nil || len(papers) < 400 {
		t.Fatalf("demo corpus: %d papers, %v", len(papers), err)
	}
	days := map[string]bool{}
	for _, p := range papers {
		days[p.Daily.Day.String()] = true
		if res, body := ts.get(t, "/papers/"+p.ID); res.StatusCode != 200 || !strings.Contains(string(body), "Abstract") {
			t.Errorf("paper %s: %d", p.ID, res.StatusCode)
		}
	}
	for d := range days {
		day := model.MustDate(d)
		for _, p := range []model.Period{model.DayPeriod(day), model.WeekPeriod(day), model.MonthPeriod(day)} {
			res, body := ts.get(t, "/papers/"+string(p.Kind)+"/"+p.Key())
			if res.StatusCode != 200 || !strings.Contains(string(body), `class="card"`) {
				t.Errorf("%s %s: %d", p.Kind, p.Key(), res.StatusCode)
			}
		}
	}
}

func TestHTMLGolden(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	_, body := ts.get(t, "/papers/date/2024-05-27")
	testutil.Golden(t, "html/day.html", staticHashes.ReplaceAll(body, []byte("/static/HASH/")))
	_, body = ts.get(t, "/papers/2405.15738")
	testutil.Golden(t, "html/paper.html", staticHashes.ReplaceAll(body, []byte("/static/HASH/")))
}

var staticHashes = regexp.MustCompile(`/static/[0-9a-f]{12}/`)

func TestUntrustedTextIsEscaped(t *testing.T) {
	ts := newTestServer(t, 0)
	evil := `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
	p := &model.Paper{ID: "2501.00001", Title: evil + ` $\pi_0$`, Summary: evil + ` \href{javascript:alert(3)}{x}`,
		Authors:      []model.Author{{Name: evil}},
		Organization: &model.Organization{Name: "evil", Fullname: evil},
		GithubRepo:   "javascript:alert(4)",
		Daily:        &model.Submission{Day: model.MustDate("2025-01-02"), SubmittedAt: time.Now()}}
	if _, err := ts.DB.UpsertPapers(context.Background(), []*model.Paper{p}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/papers/2501.00001", "/papers/date/2025-01-02", "/orgs/evil", "/papers?q=alert"} {
		res, body := ts.get(t, path)
		s := string(body)
		if res.StatusCode != 200 || strings.Contains(s, "<script>alert") || strings.Contains(s, "<img") ||
			strings.Contains(s, `href="javascript:`) {
			t.Errorf("%s: untrusted markup reached the page (status %d)", path, res.StatusCode)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP = %q", path, csp)
		}
	}
	for _, path := range []string{"/feed/daily.rss", "/feed/daily.json", "/api/papers/2501.00001"} {
		_, body := ts.get(t, path)
		if strings.Contains(string(body), "<script>alert") && !strings.Contains(path, "api") {
			t.Errorf("%s: raw script in feed", path)
		}
	}
}

func TestCacheFollowsWrites(t *testing.T) {
	ts := newTestServer(t, 8<<20, "../hf/testdata/2024-05-27.json")
	path := "/api/papers/2405.15738"
	res1, body1 := ts.get(t, path)
	etag := res1.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	req.Header.Set("If-None-Match", etag)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional GET: %v %v", res.StatusCode, err)
	}
	p, _ := ts.DB.FindPaperByID(context.Background(), "2405.15738")
	p.Upvotes += 1000
	if _, err := ts.DB.UpsertPapers(context.Background(), []*model.Paper{p}); err != nil {
		t.Fatal(err)
	}
	_, body2 := ts.get(t, path)
	if string(body1) == string(body2) || !strings.Contains(string(body2), fmt.Sprintf(`"upvotes":%d`, p.Upvotes)) {
		t.Error("cached response served after a write")
	}
}
