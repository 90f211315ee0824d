package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/quire/quire/internal/web"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/testutil"
)

// The client side of the contract: what huggingface_hub 1.29.0.dev0
// (src/huggingface_hub/hf_api.py at ee0a4510f4bc, 2026-08-20) reads from the
// paper routes. PaperInfo(**item) pops each key below, from the item or from
// its "paper" object; PaperAuthor and User pop theirs. Python accepts any
// JSON type there, so the structs give each key the type the client then
// uses (a string it parses as a date, an int it prints, a list it iterates):
// a response that decodes into them is one the client can use.
type hubUser struct {
	User           string    `json:"user"` // username
	Fullname       string    `json:"fullname"`
	AvatarURL      string    `json:"avatarUrl"`
	IsFollowing    *bool     `json:"isFollowing"`
	IsPro          *bool     `json:"isPro"`
	Details        *string   `json:"details"`
	NumModels      *int      `json:"numModels"`
	NumDatasets    *int      `json:"numDatasets"`
	NumSpaces      *int      `json:"numSpaces"`
	NumDiscussions *int      `json:"numDiscussions"`
	NumPapers      *int      `json:"numPapers"`
	NumUpvotes     *int      `json:"numUpvotes"`
	NumLikes       *int      `json:"numLikes"`
	NumFollowing   *int      `json:"numFollowing"`
	NumFollowers   *int      `json:"numFollowers"`
	Type           *string   `json:"type"`
	Orgs           []hubOrgJ `json:"orgs"`
}

type hubOrgJ struct {
	AvatarURL string `json:"avatarUrl"`
	Name      string `json:"name"`
	Fullname  string `json:"fullname"`
}

type hubAuthor struct {
	Name                string   `json:"name"`
	User                *hubUser `json:"user"`
	Status              *string  `json:"status"`
	StatusLastChangedAt *string  `json:"statusLastChangedAt"`
	Hidden              *bool    `json:"hidden"`
}

// hubObject is a daily item, a search result or /api/papers/{id}.
type hubObject struct {
	ID                 string             `json:"id"`
	Authors            []hubAuthor        `json:"authors"`
	PublishedAt        *string            `json:"publishedAt"`
	Title              *string            `json:"title"`
	Source             *string            `json:"source"`
	Summary            *string            `json:"summary"`
	Upvotes            *int               `json:"upvotes"`
	DiscussionID       *string            `json:"discussionId"`
	NumComments        *int               `json:"numComments"`
	SubmittedOnDailyAt *string            `json:"submittedOnDailyAt"`
	SubmittedBy        *hubUser           `json:"submittedBy"`
	SubmittedOnDailyBy *hubUser           `json:"submittedOnDailyBy"`
	AISummary          *string            `json:"ai_summary"`
	AIKeywords         []string           `json:"ai_keywords"`
	Organization       *hubOrgJ           `json:"organization"`
	ProjectPage        *string            `json:"projectPage"`
	GithubRepo         *string            `json:"githubRepo"`
	GithubStars        *int               `json:"githubStars"`
	LinkedModels       *[]json.RawMessage `json:"linkedModels"`
	NumTotalModels     *int               `json:"numTotalModels"`
	LinkedDatasets     *[]json.RawMessage `json:"linkedDatasets"`
	NumTotalDatasets   *int               `json:"numTotalDatasets"`
	LinkedSpaces       *[]json.RawMessage `json:"linkedSpaces"`
	Paper              *hubObject         `json:"paper"`
}

// paperInfo is what PaperInfo.__init__ makes of a hubObject, with Python's
// `a or b` (an empty or zero value falls through) and parse_datetime's one
// accepted format.
type paperInfo struct {
	ID, Title, Summary, DiscussionID, Source string
	Authors, AuthorUsers                     []string
	PublishedAt, SubmittedAt                 time.Time
	Upvotes, Comments                        int
	SubmittedBy                              hubUser
	AISummary                                string
	AIKeywords                               []string
	Organization                             string
	ProjectPage, GithubRepo                  string
	GithubStars                              int
	Linked                                   [3]bool // linked models, datasets, spaces present
}

func hubDate(s *string) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	v := *s
	if base, ok := strings.CutSuffix(v, "Z"); ok {
		if whole, frac, ok := strings.Cut(base, "."); ok {
			v = whole + "." + (frac + "000000")[:6] + "Z"
		} else {
			v = base + ".000000Z"
		}
	}
	t, err := time.Parse("2006-01-02T15:04:05.000000Z", v)
	if err != nil {
		return t, fmt.Errorf("huggingface_hub cannot parse %q as a datetime", *s)
	}
	return t, nil
}

func str(ps ...*string) string {
	for _, p := range ps {
		if p != nil && *p != "" {
			return *p
		}
	}
	return ""
}

func newPaperInfo(o hubObject) (paperInfo, error) {
	p := o.Paper
	if p == nil {
		p = &hubObject{}
	}
	pi := paperInfo{ID: o.ID, Title: str(o.Title), Source: str(o.Source), Summary: str(p.Summary, o.Summary),
		DiscussionID: str(p.DiscussionID, o.DiscussionID), AISummary: str(o.AISummary), AIKeywords: o.AIKeywords,
		ProjectPage: str(o.ProjectPage), GithubRepo: str(o.GithubRepo)}
	if pi.ID == "" {
		pi.ID = p.ID
	}
	authors := p.Authors
	if len(authors) == 0 {
		authors = o.Authors
	}
	for _, a := range authors {
		pi.Authors = append(pi.Authors, a.Name)
		if a.User != nil {
			pi.AuthorUsers = append(pi.AuthorUsers, a.User.User)
		}
	}
	var err error
	if pi.PublishedAt, err = hubDate(&[]string{str(p.PublishedAt, o.PublishedAt)}[0]); err != nil {
		return pi, err
	}
	if pi.SubmittedAt, err = hubDate(&[]string{str(o.PublishedAt, o.SubmittedOnDailyAt)}[0]); err != nil {
		return pi, err
	}
	for _, n := range []*int{p.Upvotes, o.Upvotes} {
		if n != nil && *n != 0 {
			pi.Upvotes = *n
			break
		}
	}
	if o.NumComments != nil {
		pi.Comments = *o.NumComments
	}
	if o.SubmittedBy != nil {
		pi.SubmittedBy = *o.SubmittedBy
	} else if o.SubmittedOnDailyBy != nil {
		pi.SubmittedBy = *o.SubmittedOnDailyBy
	}
	if o.Organization != nil {
		pi.Organization = o.Organization.Name
	}
	if o.GithubStars != nil {
		pi.GithubStars = *o.GithubStars
	}
	pi.Linked = [3]bool{o.LinkedModels != nil, o.LinkedDatasets != nil, o.LinkedSpaces != nil}
	return pi, nil
}

// hubGet decodes a JSON answer the way the client's typed reading needs it.
func hubGet[T any](t *testing.T, ts *testServer, path string) T {
	t.Helper()
	res, body := ts.get(t, path)
	var v T
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %.200s", path, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("GET %s: huggingface_hub's types do not fit: %v", path, err)
	}
	return v
}

func hubInfos(t *testing.T, path string, objs []hubObject) []paperInfo {
	t.Helper()
	out := make([]paperInfo, len(objs))
	for i, o := range objs {
		var err error
		if out[i], err = newPaperInfo(o); err != nil {
			t.Fatalf("%s item %d: %v", path, i, err)
		}
	}
	return out
}

// hubDays are real Hugging Face answers of the shared data, spread over its
// range: a 2024 day, a 2025 day with organizations, the last day.
var hubDays = []string{"2024-05-27", "2025-03-17", "2026-08-07"}

// TestHubClientContract makes huggingface_hub's paper calls against a
// running quire holding real Hugging Face answers: list_daily_papers with
// each parameter, list_papers, paper_info and read_paper. Every answer must
// decode into the client's types, and what the client makes of quire's
// answer for a day must equal, field by field, what it makes of Hugging
// Face's own answer for that day.
func TestHubClientContract(t *testing.T) {
	dir := testutil.SharedData(t, "hf-daily-papers")
	var paths []string
	for _, d := range hubDays {
		paths = append(paths, filepath.Join(dir, d+".json"))
	}
	ts := newTestServer(t, 0, paths...)

	for _, d := range hubDays {
		b, err := os.ReadFile(filepath.Join(dir, d+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var real []hubObject
		if err := json.Unmarshal(b, &real); err != nil {
			t.Fatalf("real answer %s: %v", d, err)
		}
		path := "/api/daily_papers?date=" + d + "&limit=100"
		want := hubInfos(t, d, real)
		got := hubInfos(t, path, hubGet[[]hubObject](t, ts, path))
		compareHub(t, d, want, got)
	}

	last := hubDays[len(hubDays)-1]
	some := hubInfos(t, "", hubGet[[]hubObject](t, ts, "/api/daily_papers?date="+last))
	submitter := some[0].SubmittedBy.User
	if submitter == "" {
		t.Fatalf("quire's daily item gives huggingface_hub no submitter username: %+v", some[0].SubmittedBy)
	}
	for _, q := range []string{"", "date=" + last, "week=2026-W32", "month=2026-08", "submitter=" + submitter,
		"sort=publishedAt", "sort=trending", "p=1&limit=3", "limit=2"} {
		path := "/api/daily_papers?" + q
		infos := hubInfos(t, path, hubGet[[]hubObject](t, ts, path))
		if len(infos) == 0 {
			t.Errorf("%s: no papers", path)
		}
		for _, pi := range infos {
			if pi.ID == "" || pi.Title == "" || pi.SubmittedAt.IsZero() {
				t.Errorf("%s: the client reads an incomplete paper: %+v", path, pi)
			}
			if strings.HasPrefix(q, "submitter=") && pi.SubmittedBy.User != submitter {
				t.Errorf("%s: submitted by %q", path, pi.SubmittedBy.User)
			}
		}
	}

	words := strings.Fields(some[0].Title)[:2]
	path := "/api/papers/search?q=" + strings.Join(words, "+") + "&limit=120"
	found := hubInfos(t, path, hubGet[[]hubObject](t, ts, path))
	if len(found) == 0 || len(found) > 120 || found[0].Title == "" {
		t.Errorf("%s: %d results", path, len(found))
	}

	id := some[0].ID
	info := hubInfos(t, "", []hubObject{hubGet[hubObject](t, ts, "/api/papers/"+id)})[0]
	if info.ID != id || info.Title == "" || info.Linked != [3]bool{true, true, true} || info.Comments != some[0].Comments {
		t.Errorf("paper_info(%s): %+v", id, info)
	}

	res, body := ts.get(t, "/papers/"+id+".md")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/markdown") ||
		!strings.HasPrefix(string(body), "# "+model.NormalizeSpace(info.Title)+"\n") {
		t.Errorf("read_paper(%s): %d %s\n%.300s", id, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if res, _ := ts.get(t, "/papers/9999.99999.md"); res.StatusCode != 404 {
		t.Errorf("read_paper of an unknown paper: %d, want 404 (the client raises on it)", res.StatusCode)
	}
}

// compareHub compares the client's view of two answers for one day, paper
// by paper. Where Hugging Face gives the client nothing (an empty username,
// no avatar) quire may give more.
func compareHub(t *testing.T, day string, want, got []paperInfo) {
	t.Helper()
	byID := map[string]paperInfo{}
	for _, g := range got {
		byID[g.ID] = g
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d papers, Hugging Face has %d", day, len(got), len(want))
	}
	for _, w := range want {
		g, ok := byID[w.ID]
		if !ok {
			t.Errorf("%s: %s missing", day, w.ID)
			continue
		}
		w.Title, w.Summary = model.NormalizeSpace(w.Title), strings.TrimSpace(w.Summary)
		g.Summary = strings.TrimSpace(g.Summary)
		if w.SubmittedBy.User == "" {
			w.SubmittedBy.User = g.SubmittedBy.User
		}
		for i := range w.AuthorUsers {
			if w.AuthorUsers[i] == "" && i < len(g.AuthorUsers) {
				w.AuthorUsers[i] = g.AuthorUsers[i]
			}
		}
		for _, f := range []struct {
			name      string
			got, want any
		}{
			{"title", g.Title, w.Title}, {"summary", g.Summary, w.Summary}, {"upvotes", g.Upvotes, w.Upvotes},
			{"comments", g.Comments, w.Comments}, {"discussion_id", g.DiscussionID, w.DiscussionID},
			{"authors", g.Authors, w.Authors}, {"author usernames", g.AuthorUsers, w.AuthorUsers},
			{"published_at", g.PublishedAt, w.PublishedAt}, {"submitted_at", g.SubmittedAt, w.SubmittedAt},
			{"submitted_by.username", g.SubmittedBy.User, w.SubmittedBy.User},
			{"submitted_by.fullname", g.SubmittedBy.Fullname, w.SubmittedBy.Fullname},
			{"submitted_by.avatar_url", g.SubmittedBy.AvatarURL, w.SubmittedBy.AvatarURL},
			{"submitted_by.is_pro", g.SubmittedBy.IsPro, w.SubmittedBy.IsPro},
			{"organization", g.Organization, w.Organization}, {"ai_summary", g.AISummary, w.AISummary},
			{"ai_keywords", g.AIKeywords, w.AIKeywords}, {"project_page", g.ProjectPage, w.ProjectPage},
			{"github_repo", g.GithubRepo, w.GithubRepo}, {"github_stars", g.GithubStars, w.GithubStars},
		} {
			if !reflect.DeepEqual(f.got, f.want) {
				t.Errorf("%s %s: huggingface_hub reads %s %#v from quire, %#v from Hugging Face", day, w.ID, f.name, f.got, f.want)
			}
		}
	}
}

// TestPaperMarkdown checks what read_paper shows (golden): title, authors,
// links, the abstract with its TeX, the AI summary and the discussion with
// a reply under its comment; the same answer for Accept: text/markdown, and
// the cache keeping the HTML and Markdown answers of one URL apart.
func TestPaperMarkdown(t *testing.T) {
	ts := newServerWith(t, func(o *web.Options) { o.CacheBytes = 1 << 20 }, "../hf/testdata/2025-10-13.json")
	tok := ts.member(t, "ada", "")
	st, c, _ := ts.call(t, "POST", "/api/papers/2510.08673/comment", tok, `{"comment":"Does the **camera map** need $K$?"}`)
	if st != 201 {
		t.Fatalf("comment: %d %v", st, c)
	}
	if st, _, _ := ts.call(t, "POST", "/api/papers/2510.08673/comment/"+c["id"].(string)+"/reply", tok, `{"comment":"Yes:\nintrinsics are given."}`); st != 201 {
		t.Fatalf("reply: %d", st)
	}
	res, body := ts.get(t, "/papers/2510.08673.md")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/markdown; charset=utf-8" {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// Comment times are the database's clock.
	testutil.Golden(t, "paper.md", regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d UTC`).ReplaceAll(body, []byte("TIME")))
	for _, accept := range []string{"text/html", "text/markdown", "text/html"} {
		req, _ := http.NewRequest("GET", ts.URL+"/papers/2510.08673", nil)
		req.Header.Set("Accept", accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if md := accept == "text/markdown"; md != bytes.Equal(b, body) || !strings.Contains(res.Header.Get("Vary"), "Accept") {
			t.Errorf("Accept %s: got %.60q (Vary %q)", accept, b, res.Header.Get("Vary"))
		}
	}
}
