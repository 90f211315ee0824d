package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
)

// feedServer holds the real 2024-05-27 answer and one paper with math in its
// title and abstract on the latest daily list.
func feedServer(t *testing.T) *testServer {
	t.Helper()
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	p := &model.Paper{ID: "2405.99999", Title: "Policies $\\pi_0$ that flow", Summary: "We learn $\\pi_0$ with flow matching.",
		Authors: []model.Author{{Name: "Ada Lovelace"}, {Name: "Charles Babbage"}}, Categories: []string{"cs.LG"},
		PublishedAt: time.Date(2024, 5, 26, 12, 0, 0, 0, time.UTC),
		Daily:       &model.Submission{Day: model.MustDate("2024-05-27"), SubmittedAt: time.Date(2024, 5, 27, 6, 0, 0, 0, time.UTC)}}
	if _, err := ts.DB.UpsertPapers(context.Background(), []*model.Paper{p}); err != nil {
		t.Fatal(err)
	}
	return ts
}

// feedPaths are a list feed and a search feed that share papers.
var feedPaths = []string{"/feed/daily.EXT", "/feed/search.EXT?q=" + url.QueryEscape(`"flow matching"`)}

// TestFeedsStrict reads every feed format with a strict XML decoder and
// checks what RFC 4287, RSS 2.0 (with its Atom and Dublin Core modules)
// and JSON Feed 1.1 require of each element, plus what readers rely on:
// the page's titles, one author per author, ids unique within and across
// feeds, a self link that is the feed's URL, TeX only in alttext.
func TestFeedsStrict(t *testing.T) {
	ts := feedServer(t)
	ids := map[string]string{}
	for _, pattern := range feedPaths {
		for _, ext := range []string{"atom", "rss", "json"} {
			path := strings.Replace(pattern, "EXT", ext, 1)
			res, body := ts.get(t, path)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			var f checkedFeed
			var err error
			switch ext {
			case "atom":
				f, err = checkAtom(body)
			case "rss":
				f, err = checkRSS(body)
			default:
				f, err = checkJSONFeed(body)
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if f.self != ts.URL+path && f.self != "https://papers.example.org"+path {
				t.Errorf("%s: self link %q", path, f.self)
			}
			if strings.Contains(path, "search") && f.title != `quire: search for “"flow matching"”` {
				t.Errorf("%s: title %q, want the page's", path, f.title)
			}
			seen, math := map[string]bool{}, false
			for _, e := range f.entries {
				if seen[e.id] {
					t.Errorf("%s: id %s twice", path, e.id)
				}
				seen[e.id] = true
				if other, ok := ids[e.id]; ok && !strings.HasPrefix(other, strings.Split(path, ".")[0]) {
					t.Errorf("%s: id %s also in %s: a reader would show the paper under one feed only", path, e.id, other)
				}
				ids[e.id] = path
				if e.link == "2405.99999" {
					math = true
					if want := "Ada Lovelace; Charles Babbage"; strings.Join(e.authors, "; ") != want &&
						(ext != "rss" || strings.Join(e.authors, "; ") != "Ada Lovelace, Charles Babbage") {
						t.Errorf("%s: authors %q, want one per author (in RSS, one list)", path, e.authors)
					}
					if strings.Contains(e.content, "annotation") || !strings.Contains(e.content, `alttext="\pi_0"`) {
						t.Errorf("%s: math %q, want TeX in alttext only", path, e.content)
					}
				}
			}
			if !math {
				t.Errorf("%s: the paper with math is missing", path)
			}
		}
	}
}

// TestFeedsConditional: Last-Modified is the latest change of a paper the
// feed shows; If-Modified-Since answers 304 until a vote changes one.
func TestFeedsConditional(t *testing.T) {
	ts := feedServer(t)
	res, _ := ts.get(t, "/feed/daily.atom")
	lm := res.Header.Get("Last-Modified")
	if _, err := http.ParseTime(lm); err != nil {
		t.Fatalf("Last-Modified %q: %v", lm, err)
	}
	cond := func() int {
		req, _ := http.NewRequest("GET", ts.URL+"/feed/daily.atom", nil)
		req.Header.Set("If-Modified-Since", lm)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := cond(); got != http.StatusNotModified {
		t.Fatalf("If-Modified-Since its own Last-Modified: %d, want 304", got)
	}
	time.Sleep(1100 * time.Millisecond) // HTTP dates have whole seconds
	tok := ts.member(t, "voter", "")
	if st, _, _ := ts.call(t, "POST", "/api/papers/2405.99999/upvote", tok, ""); st != 200 {
		t.Fatalf("vote: %d", st)
	}
	if got := cond(); got != http.StatusOK {
		t.Errorf("after a vote: %d, want 200", got)
	}
}

type checkedEntry struct {
	id, link, content string
	authors           []string
}

type checkedFeed struct {
	title, self string
	entries     []checkedEntry
}

func strictDecode(body []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("not well-formed: %w", err)
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if cd, ok := tok.(xml.CharData); !ok || len(bytes.TrimSpace(cd)) > 0 || err != nil {
			return fmt.Errorf("content after the root element: %v %v", tok, err)
		}
	}
}

func absIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}

type xLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

type xNamed struct {
	XMLName xml.Name
	Rel     string `xml:"rel,attr"`
	Href    string `xml:"href,attr"`
	Body    string `xml:",chardata"`
}

type xText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

func checkAtom(body []byte) (checkedFeed, error) {
	const ns = "http://www.w3.org/2005/Atom"
	type person struct {
		Name []string `xml:"name"`
	}
	var f struct {
		XMLName xml.Name
		ID      []string `xml:"id"`
		Title   []xText  `xml:"title"`
		Updated []string `xml:"updated"`
		Author  []person `xml:"author"`
		Links   []xLink  `xml:"link"`
		Entries []struct {
			ID        []string `xml:"id"`
			Title     []xText  `xml:"title"`
			Updated   []string `xml:"updated"`
			Published []string `xml:"published"`
			Author    []person `xml:"author"`
			Links     []xLink  `xml:"link"`
			Content   []xText  `xml:"content"`
			Summary   []xText  `xml:"summary"`
		} `xml:"entry"`
	}
	if err := strictDecode(body, &f); err != nil {
		return checkedFeed{}, err
	}
	if f.XMLName != (xml.Name{Space: ns, Local: "feed"}) {
		return checkedFeed{}, fmt.Errorf("root %v, want atom:feed", f.XMLName)
	}
	one := func(what string, vs []string) error {
		if len(vs) != 1 {
			return fmt.Errorf("%s: %d elements, RFC 4287 wants exactly one", what, len(vs))
		}
		return nil
	}
	date := func(what string, vs []string) error {
		for _, v := range vs {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				return fmt.Errorf("%s %q is not an RFC 3339 date", what, v)
			}
		}
		return nil
	}
	titles := func(ts []xText) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Body)
		}
		return out
	}
	out := checkedFeed{}
	if err := firstErr(one("feed id", f.ID), one("feed title", titles(f.Title)), one("feed updated", f.Updated),
		date("feed updated", f.Updated)); err != nil {
		return out, err
	}
	if !absIRI(f.ID[0]) {
		return out, fmt.Errorf("feed id %q is not an absolute IRI", f.ID[0])
	}
	out.title = f.Title[0].Body
	for _, l := range f.Links {
		if l.Rel == "self" {
			out.self = l.Href
		}
	}
	for i, e := range f.Entries {
		w := fmt.Sprintf("entry %d", i)
		if err := firstErr(one(w+" id", e.ID), one(w+" title", titles(e.Title)), one(w+" updated", e.Updated),
			date(w+" updated", e.Updated), date(w+" published", e.Published)); err != nil {
			return out, err
		}
		if len(e.Author) == 0 && len(f.Author) == 0 {
			return out, fmt.Errorf("%s has no author and neither has the feed (RFC 4287 §4.1.1)", w)
		}
		if len(e.Published) != 1 {
			return out, fmt.Errorf("%s has no published date", w)
		}
		ce := checkedEntry{id: e.ID[0]}
		for _, a := range e.Author {
			if len(a.Name) != 1 || a.Name[0] == "" {
				return out, fmt.Errorf("%s: an author without one name", w)
			}
			ce.authors = append(ce.authors, a.Name[0])
		}
		for _, l := range e.Links {
			if l.Rel == "alternate" || l.Rel == "" {
				ce.link = l.Href[strings.LastIndexByte(l.Href, '/')+1:]
			}
		}
		for _, c := range append(e.Content, e.Summary...) {
			if c.Type != "text" && c.Type != "html" && c.Type != "xhtml" {
				return out, fmt.Errorf("%s: text construct of type %q", w, c.Type)
			}
		}
		if len(e.Content) == 1 {
			ce.content = e.Content[0].Body
		}
		if !absIRI(ce.id) || ce.link == "" {
			return out, fmt.Errorf("%s: id %q / link %q", w, ce.id, ce.link)
		}
		out.entries = append(out.entries, ce)
	}
	return out, nil
}

func checkRSS(body []byte) (checkedFeed, error) {
	var f struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel []struct {
			Title       []string `xml:"title"`
			Link        []xNamed `xml:"link"` // RSS's and atom:link
			Description []string `xml:"description"`
			LastBuild   string   `xml:"lastBuildDate"`
			Items       []struct {
				Title    []string `xml:"title"`
				Link     []string `xml:"link"`
				GUID     []string `xml:"guid"`
				PubDate  []string `xml:"pubDate"`
				Creators []string `xml:"http://purl.org/dc/elements/1.1/ creator"`
				Encoded  []string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := strictDecode(body, &f); err != nil {
		return checkedFeed{}, err
	}
	if f.Version != "2.0" || len(f.Channel) != 1 {
		return checkedFeed{}, fmt.Errorf("version %q with %d channels", f.Version, len(f.Channel))
	}
	c := f.Channel[0]
	var links []string
	for _, l := range c.Link {
		if l.XMLName.Space == "" {
			links = append(links, l.Body)
		}
	}
	if len(c.Title) != 1 || len(links) != 1 || len(c.Description) != 1 || !absIRI(links[0]) {
		return checkedFeed{}, fmt.Errorf("channel wants one title, link and description")
	}
	out := checkedFeed{title: c.Title[0]}
	for _, l := range c.Link {
		if l.XMLName.Space == "http://www.w3.org/2005/Atom" && l.Rel == "self" {
			out.self = l.Href
		}
	}
	if _, err := time.Parse(time.RFC1123Z, c.LastBuild); c.LastBuild != "" && err != nil {
		return out, fmt.Errorf("lastBuildDate %q is not RFC 822", c.LastBuild)
	}
	for i, it := range c.Items {
		if len(it.Title) != 1 || len(it.Link) != 1 || len(it.GUID) != 1 || len(it.PubDate) != 1 {
			return out, fmt.Errorf("item %d wants one title, link, guid and pubDate", i)
		}
		if _, err := time.Parse(time.RFC1123Z, it.PubDate[0]); err != nil {
			return out, fmt.Errorf("item %d pubDate %q is not RFC 822", i, it.PubDate[0])
		}
		ce := checkedEntry{id: it.GUID[0], link: it.Link[0][strings.LastIndexByte(it.Link[0], '/')+1:], authors: it.Creators}
		if len(it.Encoded) == 1 {
			ce.content = it.Encoded[0]
		}
		out.entries = append(out.entries, ce)
	}
	return out, nil
}

func checkJSONFeed(body []byte) (checkedFeed, error) {
	type author struct {
		Name string `json:"name"`
	}
	var f struct {
		Version string   `json:"version"`
		Title   string   `json:"title"`
		FeedURL string   `json:"feed_url"`
		Authors []author `json:"authors"`
		Items   []struct {
			ID            string   `json:"id"`
			URL           string   `json:"url"`
			ContentHTML   *string  `json:"content_html"`
			ContentText   *string  `json:"content_text"`
			DatePublished string   `json:"date_published"`
			DateModified  string   `json:"date_modified"`
			Authors       []author `json:"authors"`
		} `json:"items"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(&f); err != nil {
		return checkedFeed{}, err
	}
	if f.Version != "https://jsonfeed.org/version/1.1" || f.Title == "" || f.Items == nil {
		return checkedFeed{}, fmt.Errorf("version %q, title %q, items %v: not JSON Feed 1.1", f.Version, f.Title, f.Items != nil)
	}
	out := checkedFeed{title: f.Title, self: f.FeedURL}
	for i, it := range f.Items {
		if it.ID == "" || (it.ContentHTML == nil && it.ContentText == nil) || !absIRI(it.URL) {
			return out, fmt.Errorf("item %d: id %q, url %q, content: JSON Feed wants an id and a content", i, it.ID, it.URL)
		}
		for _, s := range []string{it.DatePublished, it.DateModified} {
			if _, err := time.Parse(time.RFC3339, s); s != "" && err != nil {
				return out, fmt.Errorf("item %d: date %q is not RFC 3339", i, s)
			}
		}
		ce := checkedEntry{id: it.ID, link: it.URL[strings.LastIndexByte(it.URL, '/')+1:]}
		if it.ContentHTML != nil {
			ce.content = *it.ContentHTML
		}
		for _, a := range it.Authors {
			ce.authors = append(ce.authors, a.Name)
		}
		out.entries = append(out.entries, ce)
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
