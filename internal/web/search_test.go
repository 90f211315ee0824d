package web_test

import (
	"net/url"
	"strings"
	"testing"
)

func TestSearchFiltersAndBadInput(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata")
	type item struct {
		Paper struct {
			ID         string
			Title      string
			GithubRepo string
			Upvotes    int
		}
	}
	var all, withCode, byVotes []item
	ts.getJSON(t, "/api/papers/search?q=model&limit=50", &all)
	ts.getJSON(t, "/api/papers/search?q=model&limit=50&has_code=true", &withCode)
	ts.getJSON(t, "/api/papers/search?q=model&limit=50&sort=upvotes", &byVotes)
	if len(all) == 0 || len(withCode) == 0 || len(withCode) >= len(all) {
		t.Fatalf("all %d, with code %d", len(all), len(withCode))
	}
	for _, it := range withCode {
		if it.Paper.GithubRepo == "" {
			t.Errorf("%s has no code", it.Paper.ID)
		}
	}
	for i := 1; i < len(byVotes); i++ {
		if byVotes[i].Paper.Upvotes > byVotes[i-1].Paper.Upvotes {
			t.Fatalf("sort=upvotes out of order at %d", i)
		}
	}
	var inOct, excluded []item
	ts.getJSON(t, "/api/papers/search?q=model&limit=50&from=2025-10-01&to=2025-10-31", &inOct)
	if len(inOct) == 0 || len(inOct) >= len(all) {
		t.Errorf("date filter: %d of %d", len(inOct), len(all))
	}
	ts.getJSON(t, "/api/papers/search?q="+url.QueryEscape("model -language")+"&limit=50", &excluded)
	for _, it := range excluded {
		if strings.Contains(strings.ToLower(it.Paper.Title), "language") {
			t.Errorf("-language kept %q", it.Paper.Title)
		}
	}
	for _, q := range []string{"", "the of and", "!!!", `"unbalanced`, "流体 理论", `$\pi_0$`, "-", `"" -`} {
		res, _ := ts.get(t, "/api/papers/search?q="+url.QueryEscape(q))
		page, _ := ts.get(t, "/papers?q="+url.QueryEscape(q))
		if res.StatusCode != 200 || page.StatusCode != 200 {
			t.Errorf("query %q: API %d, page %d", q, res.StatusCode, page.StatusCode)
		}
	}
	for _, bad := range []string{"q=x&sort=random", "q=x&from=yesterday", "q=x&has_code=maybe", "q=" + strings.Repeat("x", 10000)} {
		if res, _ := ts.get(t, "/api/papers/search?"+bad); res.StatusCode != 400 {
			t.Errorf("%.40s: %d, want 400", bad, res.StatusCode)
		}
	}
}

func TestSimilarPapers(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata")
	var found []struct{ Paper struct{ ID string } }
	// The test server's index fills at the first search.
	ts.getJSON(t, "/api/papers/search?q=video", &found)
	var similar []struct{ Paper struct{ ID string } }
	res := ts.getJSON(t, "/api/papers/2510.08673/similar?limit=5", &similar)
	if res.StatusCode != 200 || len(similar) != 5 {
		t.Fatalf("similar: %d, %d papers", res.StatusCode, len(similar))
	}
	for _, s := range similar {
		if s.Paper.ID == "2510.08673" {
			t.Error("a paper is similar to itself")
		}
	}
	if res, _ := ts.get(t, "/api/papers/9999.99999/similar"); res.StatusCode != 404 {
		t.Errorf("unknown paper: %d", res.StatusCode)
	}
	_, page := ts.get(t, "/papers/2510.08673")
	if !strings.Contains(string(page), "Similar papers") {
		t.Error("the paper page lists no similar papers")
	}
}
