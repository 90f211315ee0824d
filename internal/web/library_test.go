package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
)

// getAs fetches path with a token and decodes the JSON body into v.
func (ts *testServer) getAs(t *testing.T, path, token string, v any) int {
	t.Helper()
	code, _, body := ts.getRaw(t, path, token)
	if v != nil && code == 200 {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%s: %v in %.200s", path, err, body)
		}
	}
	return code
}

type apiCollection struct {
	Slug, Name, Description, Order, Owner, URL string
	Private, Interest                          bool
	Count                                      int
	Feeds                                      *struct{ RSS, Atom, JSON string }
	Items                                      []struct {
		Paper struct {
			ID, Title string
			Authors   []struct{ Name string }
		}
		AddedAt string
		Note    string
	}
}

// The collections API as a client uses it: create, add in order, read
// back in the daily-papers paper shape, privacy, edits, removal.
func TestAPICollections(t *testing.T) {
	ts := newTestServer(t, 8<<20, "../hf/testdata/2024-05-27.json")
	ann, bob := ts.member(t, "ann", ""), ts.member(t, "bob", "")
	code, body, _ := ts.call(t, "POST", "/api/collections", ann, `{"name": "Diffusion <b>models</b>", "description": "What I read"}`)
	if code != 201 || body["slug"] != "diffusion-b-models-b" || body["private"] != true {
		t.Fatalf("create: %d %v", code, body)
	}
	slug := body["slug"].(string)
	if code, body, _ := ts.call(t, "POST", "/api/collections/"+slug+"/items", ann,
		`{"ids": ["2405.15574", "arXiv:2405.15738v1", "https://arxiv.org/abs/2405.15071"], "note": "week 21"}`); code != 200 || body["added"] != 3.0 {
		t.Fatalf("add: %d %v", code, body)
	}
	if code, _, _ := ts.call(t, "POST", "/api/collections/"+slug+"/items", ann, `{"ids": ["2405.15738", "2405.15032"]}`); code != 200 {
		t.Fatalf("add again: %d", code)
	}
	var c apiCollection
	if code := ts.getAs(t, "/api/collections/"+slug, ann, &c); code != 200 {
		t.Fatalf("get: %d", code)
	}
	var ids []string
	for _, it := range c.Items {
		ids = append(ids, it.Paper.ID)
	}
	if strings.Join(ids, " ") != "2405.15574 2405.15738 2405.15071 2405.15032" || c.Count != 4 {
		t.Errorf("items %v (count %d), want the order added", ids, c.Count)
	}
	if c.Items[0].Note != "week 21" || c.Items[0].Paper.Title == "" || len(c.Items[0].Paper.Authors) == 0 || c.Items[0].AddedAt == "" {
		t.Errorf("first item %+v", c.Items[0])
	}
	if c.Feeds == nil || !strings.HasPrefix(c.Feeds.RSS, "/feed/c/") {
		t.Errorf("the owner gets no feed URLs: %+v", c.Feeds)
	}
	for _, tok := range []string{"", bob} {
		if code := ts.getAs(t, "/api/collections/"+slug+"?user=ann", tok, nil); code != 404 {
			t.Errorf("someone else reads a private collection: %d", code)
		}
		var list []apiCollection
		if ts.getAs(t, "/api/collections?user=ann", tok, &list); len(list) != 0 {
			t.Errorf("someone else lists private collections: %+v", list)
		}
	}
	if code, _, _ := ts.call(t, "POST", "/api/collections/"+slug+"/items", bob, `{"ids": ["2405.15682"]}`); code != 404 {
		t.Errorf("bob adds to ann's collection: %d", code)
	}
	if code, body, _ := ts.call(t, "PATCH", "/api/collections/"+slug, ann, `{"private": false, "order": "recent", "name": "Diffusion"}`); code != 200 || body["private"] != false || body["slug"] != slug {
		t.Fatalf("patch: %d %v", code, body)
	}
	var pub apiCollection
	if code := ts.getAs(t, "/api/collections/"+slug+"?user=ann", "", &pub); code != 200 || pub.Name != "Diffusion" || pub.Feeds != nil {
		t.Errorf("public collection for a visitor: %d %+v", code, pub)
	}
	if pub.Items[0].Paper.ID != "2405.15032" {
		t.Errorf("recent order starts with %s", pub.Items[0].Paper.ID)
	}
	if code, _, _ := ts.call(t, "DELETE", "/api/collections/"+slug+"/items/2405.15738", ann, ""); code != 204 {
		t.Errorf("remove: %d", code)
	}
	if code, _, _ := ts.call(t, "DELETE", "/api/collections/"+slug+"/items/2405.15738", ann, ""); code != 404 {
		t.Errorf("remove again: %d", code)
	}
	for _, bad := range []string{`{"ids": ["not-an-id"]}`, `{"ids": []}`, `{"ids": "2405.15738"}`, `not json`} {
		if code, body, _ := ts.call(t, "POST", "/api/collections/"+slug+"/items", ann, bad); code != 400 || body["error"] == "" {
			t.Errorf("bad body %s: %d %v", bad, code, body)
		}
	}
	if code, _, _ := ts.call(t, "POST", "/api/collections", ann, `{"description": "no name"}`); code != 400 {
		t.Errorf("nameless collection: %d", code)
	}
	if code, _, _ := ts.call(t, "PUT", "/api/papers/2405.15574/read", ann, ""); code != 200 {
		t.Errorf("mark read: %d", code)
	}
	if code, _, _ := ts.call(t, "PUT", "/api/papers/2405.15574/note", ann, `{"note": "Check **Table 2**"}`); code != 200 {
		t.Errorf("note: %d", code)
	}
	var mine []apiCollection
	ts.getAs(t, "/api/collections", ann, &mine)
	if len(mine) != 2 || mine[0].Slug != "reading-list" || mine[0].Name != "Reading list" || !mine[0].Interest || mine[1].Interest {
		t.Errorf("ann's collections: %+v", mine)
	}
	if code, body, _ := ts.call(t, "PATCH", "/api/collections/"+slug, ann, `{"interest": true}`); code != 200 || body["interest"] != true {
		t.Errorf("make an interest: %d %v", code, body)
	}
	if code, _, _ := ts.call(t, "PUT", "/api/collections/"+slug+"/not-interested/2405.15682", ann, ""); code != 200 {
		t.Errorf("not interested: %d", code)
	}
	if code, _, _ := ts.call(t, "PUT", "/api/collections/"+slug+"/not-interested/2405.15682", bob, ""); code != 404 {
		t.Errorf("bob marks ann's interest: %d", code)
	}
	if code, _, _ := ts.call(t, "DELETE", "/api/collections/reading-list", ann, ""); code != 403 {
		t.Errorf("delete the Reading list: %d", code)
	}
	if code, _, _ := ts.call(t, "DELETE", "/api/collections/"+slug, ann, ""); code != 204 {
		t.Errorf("delete: %d", code)
	}
	if code := ts.getAs(t, "/api/collections/"+slug, ann, nil); code != 404 {
		t.Errorf("deleted collection: %d", code)
	}
}

// getRaw fetches path with an optional token; it returns status, content
// type and body.
func (ts *testServer) getRaw(t *testing.T, path, token string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// A private collection is invisible to others on every path: its page,
// its exports and, without the secret, its feed; its owner exports it in
// its order by token. Papers have their citations at .bib, .ris, .csl.json.
func TestCollectionPagesAndExports(t *testing.T) {
	ts := newTestServer(t, 8<<20, "../hf/testdata/2024-05-27.json")
	ann, bob := ts.member(t, "ann", ""), ts.member(t, "bob", "")
	_, body, _ := ts.call(t, "POST", "/api/collections", ann, `{"name": "Secret shelf"}`)
	slug := body["slug"].(string)
	ts.call(t, "POST", "/api/collections/"+slug+"/items", ann, `{"ids": ["2405.15071", "2405.15738"]}`)
	var c apiCollection
	ts.getAs(t, "/api/collections/"+slug, ann, &c)
	page := "/u/ann/c/" + slug
	for _, path := range []string{page, page + ".bib", page + ".ris", page + ".csl.json"} {
		for _, tok := range []string{"", bob} {
			if code, _, _ := ts.getRaw(t, path, tok); code != 404 {
				t.Errorf("%s for someone else: %d", path, code)
			}
		}
	}
	code, ctype, bib := ts.getRaw(t, page+".bib", ann)
	if code != 200 || !strings.HasPrefix(ctype, "application/x-bibtex") {
		t.Fatalf("owner's export: %d %s", code, ctype)
	}
	if i, j := strings.Index(bib, "eprint={2405.15071}"), strings.Index(bib, "eprint={2405.15738}"); i < 0 || j < i {
		t.Errorf("BibTeX export out of the collection's order:\n%s", bib)
	}
	if code, _, html := ts.getRaw(t, page, ann); code != 200 || !strings.Contains(html, "Secret shelf") || !strings.Contains(html, c.Feeds.RSS) {
		t.Errorf("owner's page: %d", code)
	}
	code, ctype, rss := ts.getRaw(t, c.Feeds.RSS, "")
	if code != 200 || !strings.Contains(ctype, "rss") || !strings.Contains(rss, "2405.15738") {
		t.Errorf("secret feed: %d %s", code, ctype)
	}
	ts.call(t, "PATCH", "/api/collections/"+slug, ann, `{"newFeedSecret": true}`)
	if code, _, _ := ts.getRaw(t, c.Feeds.RSS, ""); code != 404 {
		t.Errorf("revoked feed URL: %d", code)
	}
	for suffix, want := range map[string]string{".bib": "application/x-bibtex", ".ris": "application/x-research-info-systems",
		".csl.json": "application/vnd.citationstyles.csl+json"} {
		code, ctype, body := ts.getRaw(t, "/papers/2405.15738"+suffix, "")
		if code != 200 || !strings.HasPrefix(ctype, want) || !strings.Contains(body, "2405.15738") {
			t.Errorf("/papers/2405.15738%s: %d %s", suffix, code, ctype)
		}
	}
	if code, _, _ := ts.getRaw(t, "/papers/9999.99999.bib", ""); code != 404 {
		t.Errorf("citation of an unknown paper: %d", code)
	}
}

// Import through the API (the file as the body) and through the
// collection page's upload form (multipart); a broken file is a 400 that
// names its line.
func TestImportRoutes(t *testing.T) {
	ts := newTestServer(t, 8<<20, "../hf/testdata/2024-05-27.json")
	ann := ts.member(t, "ann", "")
	ts.call(t, "POST", "/api/collections", ann, `{"name": "In"}`)
	code, body, _ := ts.call(t, "POST", "/api/collections/in/import", ann, "@misc{a, eprint={2405.15071}}\n@misc{b, url={https://arxiv.org/abs/2405.15738}}\n")
	if code != 200 || body["added"] != 2.0 || body["format"] != "bibtex" {
		t.Errorf("API import: %d %v", code, body)
	}
	code, body, _ = ts.call(t, "POST", "/api/collections/in/import?format=ris", ann, "TY  - JOUR\nTI  - x\n")
	if code != 400 || !strings.Contains(body["error"].(string), "line 1") {
		t.Errorf("broken RIS: %d %v", code, body)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "list.txt")
	fw.Write([]byte("2405.15574\n"))
	mw.WriteField("format", "ids")
	mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/u/ann/c/in/import", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+ann)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "1 paper added") {
		t.Errorf("upload form: %d\n%.500s", res.StatusCode, page)
	}
	var c apiCollection
	ts.getAs(t, "/api/collections/in", ann, &c)
	if c.Count != 3 {
		t.Errorf("%d papers after both imports", c.Count)
	}
	// Multipart stays refused everywhere else.
	req, _ = http.NewRequest("POST", ts.URL+"/papers/2405.15574/note", strings.NewReader("--x--"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", "Bearer "+ann)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("multipart elsewhere: %v %v", res.StatusCode, err)
	}
}

// /following lists the new papers of a followed author, with a private
// feed whose URL a new secret revokes.
func TestFollowingPageAndFeed(t *testing.T) {
	ts := newTestServer(t, 8<<20, "../hf/testdata/2024-05-27.json")
	ann := ts.member(t, "ann", "")
	ts.freshPaper(t, "2611.00077", 24*time.Hour) // by "A. Author"
	if code, body, _ := ts.call(t, "POST", "/api/follows", ann, `{"kind": "author", "target": "a. author"}`); code != 200 {
		t.Fatalf("follow: %d %v", code, body)
	}
	if code, body, _ := ts.call(t, "POST", "/api/follows", ann, `{"kind": "org", "target": "no-such-org"}`); code != 404 {
		t.Errorf("follow an unknown org: %d %v", code, body)
	}
	code, _, html := ts.getRaw(t, "/following", ann)
	if code != 200 || !strings.Contains(html, "Fresh 2611.00077") || !strings.Contains(html, "Because you follow author a. author") {
		t.Fatalf("/following: %d\n%.600s", code, html)
	}
	i := strings.Index(html, "/feed/following/")
	feed := html[i : i+strings.Index(html[i:], `"`)]
	if code, _, rss := ts.getRaw(t, feed, ""); code != 200 || !strings.Contains(rss, "2611.00077") {
		t.Errorf("feed %s: %d", feed, code)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/following/feed", nil)
	req.Header.Set("Authorization", "Bearer "+ann)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
	if code, _, _ := ts.getRaw(t, feed, ""); code != 404 {
		t.Errorf("revoked feed: %d", code)
	}
	var fs []struct{ Kind, Target string }
	ts.getAs(t, "/api/follows", ann, &fs)
	if len(fs) != 1 || fs[0].Target != "a. author" {
		t.Errorf("follows %+v", fs)
	}
}

// /for-you ranks new papers for the Reading list (an interest by default):
// a paper like the saved ones comes before an unrelated one, with a reason
// that names a term of it; "not interested" takes it off.
func TestForYou(t *testing.T) {
	ts := newTestServer(t, 8<<20, "../hf/testdata/2024-05-27.json")
	ann := ts.member(t, "ann", "")
	put := func(id, title, abstract string, age time.Duration) {
		p := &model.Paper{ID: id, Title: title, Summary: abstract, Authors: []model.Author{{Name: "A. Author"}},
			Categories: []string{"quant-ph"}, Versions: []model.Version{{Version: 1, Created: time.Now().Add(-age)}}}
		if _, err := ts.DB.UpsertArxiv(context.Background(), []*model.Paper{p}, storeCheckpoint()); err != nil {
			t.Fatal(err)
		}
	}
	old := 400 * 24 * time.Hour
	put("2501.10001", "Surface code thresholds for quantum error correction", "Quantum error correction with surface codes and their decoding thresholds.", old)
	put("2501.10002", "Decoding surface codes with belief propagation", "A decoder for quantum surface codes and error correction.", old)
	put("2501.10003", "Lattice surgery in surface code quantum computers", "Logical qubits of surface codes and quantum error correction.", old)
	put("2611.20001", "Fast decoders for quantum surface codes", "We decode surface codes for quantum error correction in real time.", 2*24*time.Hour)
	put("2611.20002", "Message passing on molecular graphs", "Graph networks predict molecular properties.", 2*24*time.Hour)
	if code, body, _ := ts.call(t, "POST", "/api/collections/reading-list/items", ann, `{"ids": ["2501.10001", "2501.10002", "2501.10003"]}`); code != 200 {
		t.Fatalf("save: %d %v", code, body)
	}
	code, _, html := ts.getRaw(t, "/for-you", ann)
	if code != 200 {
		t.Fatalf("/for-you: %d", code)
	}
	related, unrelated := strings.Index(html, `id="p-2611.20001"`), strings.Index(html, `id="p-2611.20002"`)
	if related < 0 || unrelated < 0 || related > unrelated {
		t.Fatalf("related at %d, unrelated at %d", related, unrelated)
	}
	why := html[related:]
	why = why[strings.Index(why, `class="because note"`):]
	why = why[:strings.Index(why, "</div>")]
	found := false
	for _, term := range []string{"surface", "codes", "quantum", "decoders", "error", "correction"} {
		found = found || strings.Contains(why, "<strong>"+term+"</strong>")
	}
	if !found || !strings.Contains(why, "closest to your") {
		t.Errorf("reason %q names no term of the paper or no closest paper", why)
	}
	if strings.Contains(html, `id="p-2501.10001"`) {
		t.Error("a saved paper is recommended")
	}
	var recs []struct {
		Paper  struct{ ID string }
		Title  string
		Score  float64
		Reason struct {
			Interest, Closest string
			Terms             []string
		}
	}
	if code := ts.getAs(t, "/api/recommendations?interest=reading-list&days=7&limit=5", ann, &recs); code != 200 || len(recs) != 2 {
		t.Fatalf("API: %d %+v", code, recs)
	}
	if r := recs[0]; r.Paper.ID != "2611.20001" || r.Title == "" || len(r.Reason.Terms) == 0 || r.Reason.Closest == "" || r.Score <= recs[1].Score {
		t.Errorf("first recommendation %+v", r)
	}
	if code := ts.getAs(t, "/api/recommendations?limit=500", ann, nil); code != 400 {
		t.Errorf("limit 500: %d", code)
	}
	var c apiCollection
	ts.getAs(t, "/api/collections/reading-list", ann, &c)
	secret := strings.TrimSuffix(strings.TrimPrefix(c.Feeds.RSS, "/feed/c/"), ".rss")
	if code, _, rss := ts.getRaw(t, "/feed/for-you/"+secret+".rss", ""); code != 200 || !strings.Contains(rss, "2611.20001") {
		t.Errorf("interest feed: %d", code)
	}
	if code, _, _ := ts.call(t, "PUT", "/api/collections/reading-list/not-interested/2611.20001", ann, ""); code != 200 {
		t.Fatalf("not interested: %d", code)
	}
	if _, _, html := ts.getRaw(t, "/for-you", ann); strings.Contains(html, `id="p-2611.20001"`) {
		t.Error("a paper marked not interested is still recommended")
	}
	if code, _, _ := ts.call(t, "POST", "/api/collections/reading-list/reset", ann, ""); code != 204 {
		t.Fatalf("reset: %d", code)
	}
	if _, _, html := ts.getRaw(t, "/for-you", ann); !strings.Contains(html, `id="p-2611.20001"`) {
		t.Error("after a reset the paper marked not interested is still left out")
	}
	// A cold start: an interest from keywords alone.
	if code, body, _ := ts.call(t, "POST", "/api/collections", ann, `{"name": "Graphs", "interest": true, "keywords": "molecular graphs, message passing"}`); code != 201 || body["keywords"] != "molecular graphs, message passing" {
		t.Fatalf("create an interest from keywords: %d %v", code, body)
	}
	if code := ts.getAs(t, "/api/recommendations?interest=graphs&limit=5", ann, &recs); code != 200 || len(recs) == 0 || recs[0].Paper.ID != "2611.20002" {
		t.Errorf("keywords' recommendations: %d %+v", code, recs)
	}
	// Settings: the mix is a share, the merged view names each card's interest.
	if code, _, _ := ts.call(t, "PUT", "/api/recommendations/settings", ann, `{"mix": 150}`); code != 400 {
		t.Errorf("mix 150: %d", code)
	}
	if code, _, _ := ts.call(t, "PUT", "/api/recommendations/settings", ann, `{"mix": 20, "merged": true}`); code != 200 {
		t.Errorf("settings: %d", code)
	}
	var set struct {
		Mix    int
		Merged bool
	}
	if ts.getAs(t, "/api/recommendations/settings", ann, &set); set.Mix != 20 || !set.Merged {
		t.Errorf("settings read back %+v", set)
	}
	_, _, html = ts.getRaw(t, "/for-you", ann)
	if !strings.Contains(html, `For “<a href="/u/ann/c/graphs">Graphs</a>”`) || !strings.Contains(html, `For “<a href="/u/ann/c/reading-list">Reading list</a>”`) {
		t.Error("the merged view does not name each paper's interest")
	}
}
