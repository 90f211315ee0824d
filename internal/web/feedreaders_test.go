package web_test

import (
	"database/sql"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quire/quire/internal/testutil"
)

// readerFeeds are the feeds the readers follow: two that share papers, in
// both XML formats.
func readerFeeds(ts *testServer) []string {
	q := url.QueryEscape(`"flow matching"`)
	return []string{ts.URL + "/feed/daily.atom", ts.URL + "/feed/search.rss?q=" + q, ts.URL + "/feed/daily.rss",
		ts.URL + "/feed/search.atom?q=" + q}
}

// TestFeedsInFeedparser reads the feeds with feedparser, the Python
// library most feed tools are built on: not one "bozo" (ill-formed) feed,
// the page's titles, each author, a published date, and the math as MathML
// with no TeX annotation beside it.
func TestFeedsInFeedparser(t *testing.T) {
	python := "/usr/bin/python3" // Debian's, where python3-feedparser is
	if exec.Command(python, "-c", "import feedparser").Run() != nil {
		testutil.Require(t, "python3-feedparser (Debian)")
	}
	ts := feedServer(t)
	out, err := exec.Command(python, "testdata/feedparse.py").Output()
	if err == nil {
		out, err = exec.Command(python, append([]string{"testdata/feedparse.py"}, readerFeeds(ts)...)...).Output()
	}
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var feeds []struct {
		URL, Error, Version, Title string
		Bozo                       bool
		Self                       []string
		Entries                    []struct {
			ID, Title, Published, Link string
			Authors, Content           []string
		}
	}
	if err := json.Unmarshal(out, &feeds); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, f := range feeds {
		if f.Bozo || (f.Version != "atom10" && f.Version != "rss20") || len(f.Self) != 1 || len(f.Entries) == 0 {
			t.Errorf("%s: bozo %v (%s), version %q, self %v, %d entries", f.URL, f.Bozo, f.Error, f.Version, f.Self, len(f.Entries))
		}
		if strings.Contains(f.URL, "search") && f.Title != `quire: search for “"flow matching"”` {
			t.Errorf("%s: title %q", f.URL, f.Title)
		}
		math := false
		for _, e := range f.Entries {
			if e.ID == "" || e.Published == "" || len(e.Authors) == 0 || e.Authors[0] == "" {
				t.Errorf("%s: entry %q: id %q, published %q, authors %q", f.URL, e.Title, e.ID, e.Published, e.Authors)
			}
			if strings.HasSuffix(e.Link, "/2405.99999") {
				math = true
				// RSS names them in one dc:creator, as arXiv's own RSS does.
				if strings.Join(e.Authors, ", ") != "Ada Lovelace, Charles Babbage" {
					t.Errorf("%s: authors %q, want the two", f.URL, e.Authors)
				}
				if c := strings.Join(e.Content, ""); !strings.Contains(c, "<math") || strings.Contains(c, "annotation") {
					t.Errorf("%s: content %q", f.URL, c)
				}
			}
		}
		if !math {
			t.Errorf("%s: no paper with math", f.URL)
		}
	}
}

// TestFeedsInNewsboat follows the feeds with newsboat (Debian's), reloads
// them and reads its cache: every feed has its title and all its papers,
// a paper in two feeds is kept in both, authors are there, and no TeX
// annotation reaches the text newsboat renders.
func TestFeedsInNewsboat(t *testing.T) {
	bin, err := exec.LookPath("newsboat")
	if err != nil {
		testutil.Require(t, "newsboat (Debian)")
	}
	ts := feedServer(t)
	dir := t.TempDir()
	urls := filepath.Join(dir, "urls")
	// Two feeds in two formats. (The RSS and Atom forms of one feed share
	// their ids, as they should: newsboat keeps such an item once.)
	follow := readerFeeds(ts)[:2]
	if err := os.WriteFile(urls, []byte(strings.Join(follow, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "config")
	if err := os.WriteFile(conf, []byte("reload-threads 1\ndownload-timeout 10\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache.db")
	cmd := exec.Command(bin, "-u", urls, "-c", cache, "-C", conf, "-x", "reload")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("newsboat reload: %v\n%s", err, out)
	}
	db, err := sql.Open("sqlite", cache+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]int{}
	for _, u := range follow {
		res, body := ts.get(t, strings.TrimPrefix(u, ts.URL))
		if res.StatusCode != 200 {
			t.Fatal(u)
		}
		want[u] = strings.Count(string(body), "<entry>") + strings.Count(string(body), "<item>")
	}
	rows, err := db.Query(`SELECT f.rssurl, f.title, COUNT(i.id), COUNT(NULLIF(i.author, '')),
		COUNT(CASE WHEN i.content LIKE '%annotation%' THEN 1 END), COUNT(CASE WHEN i.url LIKE '%/2405.99999' THEN 1 END),
		MAX(CASE WHEN i.url LIKE '%/2405.99999' THEN i.author END) FROM rss_feed f LEFT JOIN rss_item i ON i.feedurl = f.rssurl GROUP BY f.rssurl, f.title`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var u, title string
		var items, authored, annotated, math int
		var authors string
		if err := rows.Scan(&u, &title, &items, &authored, &annotated, &math, &authors); err != nil {
			t.Fatal(err)
		}
		n++
		if items != want[u] || authored != items || authors != "Ada Lovelace, Charles Babbage" || annotated != 0 || math != 1 || !strings.HasPrefix(title, "quire: ") {
			t.Errorf("newsboat's %s: %q, %d items (want %d), %d with authors, %d with a TeX annotation, %d with the math paper (by %q)",
				u, title, items, want[u], authored, annotated, math, authors)
		}
	}
	if err := rows.Err(); err != nil || n != len(want) {
		t.Errorf("newsboat kept %d feeds, want %d (%v)", n, len(want), err)
	}
}
