package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web"
)

// member creates an account and returns an API token for it.
func (ts *testServer) member(t testing.TB, name, role string) string {
	t.Helper()
	if _, err := ts.Accounts.Signup(context.Background(), name, name+"@example.org", "password-"+name, role); err != nil {
		t.Fatal(err)
	}
	tok, err := ts.Accounts.CreateToken(context.Background(), name, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// call sends a JSON request with an optional Bearer token and returns the
// status, the decoded body and the Retry-After header.
func (ts *testServer) call(t testing.TB, method, path, token, body string) (int, map[string]any, string) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out, res.Header.Get("Retry-After")
}

// freshPaper stores an arXiv paper first published a day ago, not yet on
// the daily list.
func (ts *testServer) freshPaper(t *testing.T, id string, age time.Duration) {
	t.Helper()
	p := &model.Paper{ID: id, Title: "Fresh " + id, Summary: "abstract", Authors: []model.Author{{Name: "A. Author"}},
		Categories: []string{"cs.LG"}, Versions: []model.Version{{Version: 1, Created: time.Now().Add(-age)}}}
	if _, err := ts.DB.UpsertArxiv(context.Background(), []*model.Paper{p}, storeCheckpoint()); err != nil {
		t.Fatal(err)
	}
}

func TestAPIVotes(t *testing.T) {
	ts := newTestServer(t, 8<<20, "../hf/testdata/2024-05-27.json")
	tok := ts.member(t, "ann", "")
	const id = "2405.15738" // 32 imported upvotes
	if code, body, _ := ts.call(t, "POST", "/api/papers/"+id+"/upvote", "", ""); code != 401 || body["error"] == "" {
		t.Errorf("anonymous vote: %d %v", code, body)
	}
	if code, _, _ := ts.call(t, "POST", "/api/papers/"+id+"/upvote", "qt_forged", ""); code != 401 {
		t.Errorf("forged token: %d", code)
	}
	var wg sync.WaitGroup
	for range 20 { // the rate limit allows 30 votes a minute in tests
		wg.Add(1)
		go func() { defer wg.Done(); ts.call(t, "POST", "/api/papers/"+id+"/upvote", tok, "") }()
	}
	wg.Wait()
	var p struct{ Upvotes int }
	ts.getJSON(t, "/api/papers/"+id, &p)
	if p.Upvotes != 33 {
		t.Errorf("after 20 racing votes from one account: %d upvotes, want 33", p.Upvotes)
	}
	if code, body, _ := ts.call(t, "DELETE", "/api/papers/"+id+"/upvote", tok, ""); code != 200 || body["upvotes"] != 32.0 || body["upvoted"] != false {
		t.Errorf("unvote: %d %v", code, body)
	}
	if code, _, _ := ts.call(t, "POST", "/api/papers/9999.99999/upvote", tok, ""); code != 404 {
		t.Errorf("unknown paper: %d", code)
	}
	var wait string
	for i := 0; i < 40 && wait == ""; i++ {
		_, _, wait = ts.call(t, "POST", "/api/papers/"+id+"/upvote", tok, "")
	}
	if wait == "" {
		t.Error("no 429 with Retry-After after 60 votes in a minute")
	}
}

func TestAPISubmitRules(t *testing.T) {
	rules := core.SubmitRules{Window: 14 * 24 * time.Hour, DailyCap: 2, MinAccountAge: 0}
	ts := newServerWithRules(t, 0, rules, "../hf/testdata/2024-05-27.json")
	tok := ts.member(t, "ann", "")
	ts.freshPaper(t, "2611.00001", 24*time.Hour)
	ts.freshPaper(t, "2611.00002", 24*time.Hour)
	ts.freshPaper(t, "2611.00003", 24*time.Hour)
	ts.freshPaper(t, "2610.00001", 30*24*time.Hour)

	for _, tc := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"paper_id": "2611.00001"}`, 201, ""},
		{`{"paper_id": "2611.00001"}`, 409, "already on the daily list"},
		{`{"paper_id": "2405.15738"}`, 409, "already on the daily list"},
		{`{"paper_id": "2610.00001"}`, 403, "within 14 days"},
		{`{"paper_id": "not an id"}`, 400, "not an arXiv id"},
		{`{"paper_id": "2611.99999"}`, 404, "arXiv has no paper"},
		{`not json`, 400, "must be JSON"},
		{`{"paper_id": "2611.00002", "organization": "nope"}`, 403, "only moderators can tag"},
		{`{"paper_id": "2611.00002"}`, 201, ""},
		{`{"paper_id": "2611.00003"}`, 429, "the most allowed"},
	} {
		code, body, _ := ts.call(t, "POST", "/api/papers/submit", tok, tc.body)
		msg, _ := body["error"].(string)
		if code != tc.status || !strings.Contains(msg, tc.want) {
			t.Errorf("submit %s = %d %v, want %d %q", tc.body, code, body, tc.status, tc.want)
		}
	}
	var day []struct {
		Paper       struct{ ID string }
		SubmittedBy struct{ Name string }
	}
	ts.getJSON(t, "/api/daily_papers?date="+time.Now().UTC().Format("2006-01-02"), &day)
	if len(day) != 2 || day[0].SubmittedBy.Name != "ann" {
		t.Errorf("today's list = %+v", day)
	}

	young := newServerWithRules(t, 0, core.SubmitRules{Window: time.Hour * 24 * 14, MinAccountAge: 24 * time.Hour})
	ytok := young.member(t, "newbie", "")
	young.freshPaper(t, "2611.00001", time.Hour)
	if code, body, _ := young.call(t, "POST", "/api/papers/submit", ytok, `{"paper_id":"2611.00001"}`); code != 403 || !strings.Contains(fmt.Sprint(body), "after they are created") {
		t.Errorf("young account: %d %v", code, body)
	}
}

func TestAPIComments(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	tok := ts.member(t, "ann", "")
	const id = "2405.15738"
	code, body, _ := ts.call(t, "POST", "/api/papers/"+id+"/comment", tok, `{"comment": "**Great** paper <script>x</script>"}`)
	if code != 201 {
		t.Fatalf("comment: %d %v", code, body)
	}
	cid := body["id"].(string)
	if code, body, _ := ts.call(t, "POST", "/api/papers/"+id+"/comment/"+cid+"/reply", tok, `{"comment": "a reply"}`); code != 201 {
		t.Errorf("reply: %d %v", code, body)
	} else if code, _, _ := ts.call(t, "POST", "/api/papers/"+id+"/comment/"+body["id"].(string)+"/reply", tok, `{"comment": "nested"}`); code != 400 {
		t.Errorf("reply to a reply: %d, want 400 (one level)", code)
	}
	if code, _, _ := ts.call(t, "POST", "/api/papers/"+id+"/comment", tok, `{"comment": "   "}`); code != 400 {
		t.Errorf("empty comment: %d", code)
	}
	if code, _, _ := ts.call(t, "POST", "/api/papers/9999.99999/comment", tok, `{"comment": "x"}`); code != 404 {
		t.Errorf("unknown paper: %d", code)
	}
	if code, _, _ := ts.call(t, "POST", "/api/papers/"+id+"/comment", "", `{"comment": "x"}`); code != 401 {
		t.Errorf("anonymous: %d", code)
	}
	var items []struct {
		Paper       struct{ ID string }
		NumComments int
	}
	ts.getJSON(t, "/api/daily_papers?date=2024-05-27&limit=100", &items)
	for _, it := range items {
		if it.Paper.ID == id && it.NumComments != 3+2 {
			t.Errorf("numComments = %d, want the imported 3 plus 2", it.NumComments)
		}
	}
	_, body2 := ts.get(t, "/papers/"+id)
	if !strings.Contains(string(body2), "<strong>Great</strong> paper") || strings.Contains(string(body2), "<script>x") {
		t.Error("comment not rendered as sanitised Markdown")
	}
	// The comment rate limit in tests is 5 a minute; 4 were spent above.
	var limited bool
	for i := 0; i < 3; i++ {
		if code, _, wait := ts.call(t, "POST", "/api/papers/"+id+"/comment", tok, `{"comment": "again"}`); code == 429 && wait != "" {
			limited = true
		}
	}
	if !limited {
		t.Error("no 429 from the comment rate limit")
	}
}

// TestBrowserSessionsAndCSRF logs in with a form, as a browser does, and
// checks that the cookie works for same-origin requests only.
func TestBrowserSessionsAndCSRF(t *testing.T) {
	ts := newTestServer(t, 8<<20, "../hf/testdata/2024-05-27.json")
	ts.member(t, "ann", "")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	login := func(user, pass string) *http.Response {
		res, err := noRedirect.PostForm(ts.URL+"/login", url.Values{"username": {user}, "password": {pass}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	bad1, bad2 := login("ann", "wrong-password"), login("nobody", "wrong-password")
	if bad1.StatusCode != 400 || bad2.StatusCode != 400 {
		t.Errorf("bad logins: %d %d", bad1.StatusCode, bad2.StatusCode)
	}
	res := login("ann", "password-ann")
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "quire_session" {
			cookie = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("login: %d, cookie %+v", res.StatusCode, cookie)
	}
	second := login("ann", "password-ann")
	if second.Cookies()[0].Value == cookie.Value {
		t.Error("sessions do not rotate on login")
	}
	vote := func(site string) int {
		req, _ := http.NewRequest("POST", ts.URL+"/api/papers/2405.15738/upvote", nil)
		req.AddCookie(cookie)
		req.Header.Set("Sec-Fetch-Site", site)
		if site == "cross-site" {
			req.Header.Set("Origin", "https://evil.example")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := vote("cross-site"); code != 403 {
		t.Errorf("cross-site vote with the cookie: %d, want 403", code)
	}
	if code := vote("same-origin"); code != 200 {
		t.Errorf("same-origin vote: %d", code)
	}
	// Pages for a logged-in user are personal and never come from the cache.
	req, _ := http.NewRequest("GET", ts.URL+"/papers/date/2024-05-27", nil)
	req.AddCookie(cookie)
	page, _ := http.DefaultClient.Do(req)
	b, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(b), `id="me">ann<`) || !strings.Contains(string(b), `votes voted`) {
		t.Error("logged-in page does not show the user and their vote")
	}
	if _, anon := ts.get(t, "/papers/date/2024-05-27"); strings.Contains(string(anon), "ann") {
		t.Error("a personal page leaked into the anonymous cache")
	}
	var limited bool
	for i := 0; i < 6; i++ {
		if r := login("ann", "wrong"); r.StatusCode == 429 && r.Header.Get("Retry-After") != "" {
			limited = true
		}
	}
	if !limited {
		t.Error("login attempts are not rate limited")
	}
}

// TestTrendingFollowsRecentVotes votes for the day's least upvoted paper
// from several accounts: fresh votes outweigh older imported ones.
func TestTrendingFollowsRecentVotes(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	var before []struct{ Paper struct{ ID string } }
	ts.getJSON(t, "/api/daily_papers?sort=trending&window=week&limit=100", &before)
	last := before[len(before)-1].Paper.ID
	for i := range 25 {
		tok := ts.member(t, fmt.Sprintf("voter%d", i), "")
		if code, _, _ := ts.call(t, "POST", "/api/papers/"+last+"/upvote", tok, ""); code != 200 {
			t.Fatalf("vote %d: %d", i, code)
		}
	}
	var after []struct{ Paper struct{ ID string } }
	ts.getJSON(t, "/api/daily_papers?sort=trending&window=week&limit=100", &after)
	if after[0].Paper.ID != last {
		t.Errorf("25 fresh votes did not lift %s to the top of trending (top is %s)", last, after[0].Paper.ID)
	}
}

// An upvote promotes: a member's vote on a fresh paper not on the Daily
// list submits it for today, credited to them; not a hidden or an old
// paper, not twice, and an un-vote does not un-submit.
func TestUpvotePromotes(t *testing.T) {
	ts := newServerWith(t, func(o *web.Options) { o.Community.PromoteOnUpvote = true })
	ann, bob := ts.member(t, "ann", ""), ts.member(t, "bob", "")
	ts.freshPaper(t, "2611.00011", 24*time.Hour)
	ts.freshPaper(t, "2611.00012", 24*time.Hour)
	ts.freshPaper(t, "2609.00013", 40*24*time.Hour) // outside the 14-day window
	paper := func(id string) *model.Paper {
		p, err := ts.DB.FindPaperByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if code, _, _ := ts.call(t, "POST", "/api/papers/2611.00011/upvote", ann, ""); code != 200 {
		t.Fatalf("vote: %d", code)
	}
	p := paper("2611.00011")
	if p.Daily == nil || p.Daily.Day != model.DateOf(time.Now()) || p.Daily.SubmittedBy == nil || p.Daily.SubmittedBy.Name != "ann" {
		t.Fatalf("after ann's upvote: %+v", p.Daily)
	}
	ts.call(t, "POST", "/api/papers/2611.00011/upvote", bob, "")
	ts.call(t, "DELETE", "/api/papers/2611.00011/upvote", ann, "")
	if p := paper("2611.00011"); p.Daily == nil || p.Daily.SubmittedBy.Name != "ann" {
		t.Errorf("a second vote or an un-vote changed the submission: %+v", p.Daily)
	}
	ts.call(t, "POST", "/api/papers/2609.00013/upvote", ann, "")
	if p := paper("2609.00013"); p.Daily != nil {
		t.Error("a paper outside the submission window was promoted")
	}
	ts.member(t, "mo", model.RoleModerator)
	acct, _ := ts.DB.FindAccount(context.Background(), "mo")
	if err := (&core.Community{Store: ts.DB, Now: time.Now}).HidePaper(context.Background(), acct, "2611.00012", true, "spam"); err != nil {
		t.Fatal(err)
	}
	ts.call(t, "POST", "/api/papers/2611.00012/upvote", bob, "")
	if p := paper("2611.00012"); p.Daily != nil {
		t.Error("a hidden paper was promoted")
	}
	// Two members voting at once promote it once.
	ts.freshPaper(t, "2611.00014", time.Hour)
	done := make(chan int, 2)
	for _, tok := range []string{ann, bob} {
		go func() { code, _, _ := ts.call(t, "POST", "/api/papers/2611.00014/upvote", tok, ""); done <- code }()
	}
	<-done
	<-done
	if p := paper("2611.00014"); p.Daily == nil || p.Upvotes != 2 {
		t.Errorf("racing votes: daily %+v, %d upvotes", p.Daily, p.Upvotes)
	}
}

// Local votes and Hugging Face's count stay apart on the page and add up
// in the API.
func TestUpvoteSourcesShown(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	tok := ts.member(t, "ann", "")
	before, _ := ts.DB.FindPaperByID(context.Background(), "2405.15738")
	if code, _, _ := ts.call(t, "POST", "/api/papers/2405.15738/upvote", tok, ""); code != 200 {
		t.Fatal(code)
	}
	_, body := ts.get(t, "/papers/date/2024-05-27")
	want := fmt.Sprintf("%d on Hugging Face · 1 here", before.Upvotes)
	if !strings.Contains(string(body), want) {
		t.Errorf("the day page does not say %q", want)
	}
	var p struct {
		Upvotes int `json:"upvotes"`
	}
	ts.getJSON(t, "/api/papers/2405.15738", &p)
	if p.Upvotes != before.Upvotes+1 {
		t.Errorf("API upvotes %d, want the sum %d", p.Upvotes, before.Upvotes+1)
	}
}

// A new version of a stored paper is listed among the replacements of the
// day that lists its submission.
func TestReplacementsListed(t *testing.T) {
	ts := newTestServer(t, 0)
	v1 := time.Date(2026, 10, 5, 15, 0, 0, 0, time.UTC)
	v2 := time.Date(2026, 10, 13, 15, 0, 0, 0, time.UTC) // Tuesday before the cut-off: listed Wednesday 10-14
	p := &model.Paper{ID: "2610.00777", Title: "Replaced paper", Categories: []string{"cs.LG"},
		Authors: []model.Author{{Name: "A. Author"}}, Versions: []model.Version{{Version: 1, Created: v1}}}
	if _, err := ts.DB.UpsertArxiv(context.Background(), []*model.Paper{p}, storeCheckpoint()); err != nil {
		t.Fatal(err)
	}
	p.Versions = append(p.Versions, model.Version{Version: 2, Created: v2})
	if _, err := ts.DB.UpsertArxiv(context.Background(), []*model.Paper{p}, storeCheckpoint()); err != nil {
		t.Fatal(err)
	}
	_, body := ts.get(t, "/papers/new/2026-10-14?category=cs.LG")
	s := string(body)
	i := strings.Index(s, `id="replaced"`)
	if i < 0 || !strings.Contains(s[i:], "Replaced paper") {
		t.Errorf("2026-10-14 does not list the replacement")
	}
	if _, body := ts.get(t, "/papers/new/2026-10-15?category=cs.LG"); strings.Contains(string(body), "Replaced paper") {
		t.Error("the replacement is listed on the next day too")
	}
	if _, body := ts.get(t, "/papers/new/2026-10-14?category=math"); strings.Contains(string(body), "Replaced paper") {
		t.Error("the replacement is listed outside its category")
	}
}
