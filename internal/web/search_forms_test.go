package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/quire/quire/internal/model"
)

type searchHit struct {
	Paper struct {
		ID      string
		Title   string
		Authors []struct{ Name string }
	}
}

func (ts *testServer) searchIDs(t *testing.T, q string) []searchHit {
	t.Helper()
	var hits []searchHit
	if res := ts.getJSON(t, "/api/papers/search?limit=20&q="+url.QueryEscape(q), &hits); res.StatusCode != 200 {
		t.Fatalf("search %q: %d", q, res.StatusCode)
	}
	return hits
}

// What people paste: every form of an arXiv id, its DOI, a DOI of a
// publisher, a title however punctuated, and field prefixes, on real
// papers of the demo corpus.
func TestSearchQueryForms(t *testing.T) {
	ts := newTestServer(t, 0, "../demo/data")
	ctx := context.Background()
	ps, err := ts.DB.FindPapers(ctx, storeAll())
	if err != nil || len(ps) < 10 {
		t.Fatal(err)
	}
	var p *model.Paper
	for _, x := range ps {
		if len(x.Authors) > 1 && p == nil {
			p = x
		}
	}
	for _, q := range []string{p.ID, "arXiv:" + p.ID + "v2", "arxiv:" + p.ID, "https://arxiv.org/abs/" + p.ID,
		"https://arxiv.org/abs/" + p.ID + "v1", "http://arxiv.org/pdf/" + p.ID + "v3", "https://arxiv.org/pdf/" + p.ID + ".pdf",
		"10.48550/arXiv." + p.ID, "https://doi.org/10.48550/arXiv." + p.ID} {
		if hits := ts.searchIDs(t, q); len(hits) != 1 || hits[0].Paper.ID != p.ID {
			t.Errorf("%q: %d hits, want %s alone", q, len(hits), p.ID)
		}
	}
	// A publisher's DOI, as arXiv records it.
	pub := &model.Paper{ID: "2501.10001", Title: "Surface code thresholds", Summary: "Quantum error correction.", DOI: "10.1103/PhysRevX.15.011001",
		Authors: []model.Author{{Name: "A. Author"}}, Categories: []string{"quant-ph"}, Versions: []model.Version{{Version: 1}}}
	if _, err := ts.DB.UpsertArxiv(ctx, []*model.Paper{pub}, storeCheckpoint()); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"doi:10.1103/PhysRevX.15.011001", "https://doi.org/10.1103/physrevx.15.011001", "10.1103/PhysRevX.15.011001"} {
		if hits := ts.searchIDs(t, q); len(hits) != 1 || hits[0].Paper.ID != pub.ID {
			t.Errorf("%q: %d hits, want %s alone", q, len(hits), pub.ID)
		}
	}
	for _, q := range []string{"hep-th/9901001", "https://arxiv.org/abs/2612.99999", "10.1145/0000000.0000000"} {
		if hits := ts.searchIDs(t, q); len(hits) != 0 {
			t.Errorf("%q names no stored paper and no fetch is configured: %d hits", q, len(hits))
		}
	}
	// A title with other case and punctuation: its paper first.
	q := strings.ToUpper(strings.ReplaceAll(p.Title, " ", " - ")) + "?!"
	if hits := ts.searchIDs(t, q); len(hits) == 0 || hits[0].Paper.ID != p.ID {
		t.Errorf("title %q: first %v", q, hits)
	}
	// author: keeps papers with that author.
	author := p.Authors[len(p.Authors)-1].Name
	hits := ts.searchIDs(t, `author:"`+author+`"`)
	found := false
	for _, h := range hits {
		found = found || h.Paper.ID == p.ID
		has := false
		for _, a := range h.Paper.Authors {
			has = has || strings.EqualFold(a.Name, author)
		}
		if !has {
			t.Errorf("author:%q gave %s by %v", author, h.Paper.ID, h.Paper.Authors)
		}
	}
	if !found {
		t.Errorf("author:%q does not find %s", author, p.ID)
	}
	// title: keeps papers with the word in their title.
	word := strings.ToLower(strings.Fields(p.Title)[0])
	if hits := ts.searchIDs(t, "title:"+word); len(hits) == 0 {
		t.Errorf("title:%s found nothing", word)
	}
	for _, h := range ts.searchIDs(t, "title:"+word) {
		if !strings.Contains(strings.ToLower(h.Paper.Title), word) {
			t.Errorf("title:%s gave %q", word, h.Paper.Title)
		}
	}
	// category: alone lists the category (the archive too); with words it filters.
	for _, q := range []string{"category:quant-ph", "category:QUANT-PH", "quantum category:quant-ph"} {
		if hits := ts.searchIDs(t, q); len(hits) != 1 || hits[0].Paper.ID != pub.ID {
			t.Errorf("%q: %d hits, want %s", q, len(hits), pub.ID)
		}
	}
	if hits := ts.searchIDs(t, "quantum category:cs.LG"); len(hits) != 0 {
		t.Errorf("a category no paper is in: %d hits", len(hits))
	}
}

// A typo in a title word of a real paper: the search corrects it, says so,
// and offers the query as written.
func TestSearchCorrectsTypos(t *testing.T) {
	ts := newTestServer(t, 0, "../demo/data")
	ctx := context.Background()
	ps, err := ts.DB.FindPapers(ctx, storeAll())
	if err != nil {
		t.Fatal(err)
	}
	// "reinforcement" is in several demo titles: drop its second "e".
	var want string
	for _, p := range ps {
		if strings.Contains(strings.ToLower(p.Title), "reinforcement") {
			want = p.ID
		}
	}
	if want == "" {
		t.Fatal("no demo paper about reinforcement learning")
	}
	code, _, html := ts.getRaw(t, "/papers?q=reinforcment+learning", "")
	if code != 200 || !strings.Contains(html, `Showing results for <a href="/papers?q=reinforcement%20learning"><strong>reinforcement learning</strong></a>`) ||
		!strings.Contains(html, `id="search-exact">reinforcment learning</a>`) {
		t.Fatalf("no correction shown: %d", code)
	}
	if !strings.Contains(html, `id="p-`+want+`"`) {
		t.Errorf("the corrected search does not find %s", want)
	}
	if _, _, exact := ts.getRaw(t, "/papers?q=reinforcment+learning&exact=1", ""); strings.Contains(exact, "Showing results for") {
		t.Error("exact=1 still corrects")
	}
	res, _ := ts.get(t, "/api/papers/search?q=reinforcment")
	if got := res.Header.Get("X-Quire-Corrected-Query"); got != "reinforcement" {
		t.Errorf("API correction header %q", got)
	}
}
