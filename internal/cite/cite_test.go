package cite_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/cite"
	"github.com/quire/quire/internal/demo"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/testutil"
)

// realPapers are papers as quire stores them from real sources: from the
// Kaggle snapshot two with DOIs and TeX accents in author names, from an
// OAI-PMH response an old-style id, and from the demo corpus one with
// accented names and one with 89 authors.
func realPapers(t *testing.T) []*model.Paper {
	t.Helper()
	var out []*model.Paper
	f, err := os.Open(filepath.Join(testutil.SharedData(t, "arxiv-kaggle-snapshot"), "arxiv-metadata-oai-snapshot.head-0001-0150.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		p, err := arxiv.ParseKaggleLine(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if p.ID == "0704.0001" || p.ID == "0704.0062" {
			out = append(out, p)
		}
	}
	body, err := os.ReadFile(filepath.Join(testutil.SharedData(t, "arxiv-oai-pmh"), "paperhive-nock",
		"oaipmh-listrecords---should-list-identifiers-from-arxiv.response1.status200.xml"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := arxiv.ParseOAI(body, "oai")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range page.Papers {
		if p.ID == "hep-th/9504118" {
			out = append(out, p)
		}
	}
	db := sqlitetest.MustOpen(t)
	if err := demo.Load(context.Background(), db, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	ps, err := db.FindPapers(context.Background(), store.PaperFilter{IDs: []string{"2605.23888", "2605.27295"}, Sort: store.SortArxiv})
	if err != nil || len(ps) != 2 {
		t.Fatalf("demo papers: %d, %v", len(ps), err)
	}
	out = append(out, ps...)
	if len(out) != 5 {
		t.Fatalf("found %d of the 5 papers", len(out))
	}
	return out
}

func TestGoldenCitations(t *testing.T) {
	ps := realPapers(t)
	for _, tc := range []struct {
		name  string
		write func(io.Writer, []*model.Paper) error
	}{{"papers.bib", cite.WriteBibTeX}, {"papers.ris", cite.WriteRIS}, {"papers.csl.json", cite.WriteCSL}} {
		var buf bytes.Buffer
		if err := tc.write(&buf, ps); err != nil {
			t.Fatal(err)
		}
		testutil.Golden(t, tc.name, buf.Bytes())
	}
	// CSL-JSON keeps every author, in order.
	var buf bytes.Buffer
	if err := cite.WriteCSL(&buf, ps); err != nil {
		t.Fatal(err)
	}
	var items []cite.CSLItem
	if err := json.Unmarshal(buf.Bytes(), &items); err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		if len(items[i].Author) != len(p.Authors) {
			t.Errorf("%s: %d CSL authors of %d", p.ID, len(items[i].Author), len(p.Authors))
		}
	}
}

// BibTeX values stay valid whatever a title holds: braces balance, TeX
// math is kept, specials are escaped, accents become TeX.
func TestBibTeXValues(t *testing.T) {
	for _, tc := range []struct{ title, want string }{
		{"$\\pi_0$: a Vision-Language-Action Flow Model", "title={$\\pi_0$: a Vision-Language-Action Flow Model}"},
		{"R&D at 100% with #tags and snake_case", `title={R\&D at 100\% with \#tags and snake\_case}`},
		{"Unbalanced {brace", `title={Unbalanced \{brace}`},
		{"Closing} first {", `title={Closing\} first \{}`},
		{"Price in $5 and $", "title={Price in $5 and $}"},
		{"Odd $ dollar", `title={Odd \$ dollar}`},
		{"Ending in a backslash \\", `title={Ending in a backslash \ }`},
		{"Schrödinger’s Çat and Łódź", `title={Schr{\"o}dinger’s {\c C}at and {\L}{\'o}d{\'z}}`},
		{"naïve", `title={na{\"\i}ve}`},
	} {
		var buf bytes.Buffer
		p := &model.Paper{ID: "2501.00001", Title: tc.title, Authors: []model.Author{{Name: "Ada Lovelace"}}}
		if err := cite.WriteBibTeX(&buf, []*model.Paper{p}); err != nil {
			t.Fatal(err)
		}
		line := strings.TrimSpace(strings.Split(buf.String(), "\n")[1])
		if line != tc.want+"," {
			t.Errorf("%q → %s, want %s", tc.title, line, tc.want)
		}
	}
}

func TestSplitName(t *testing.T) {
	for in, want := range map[string]cite.Name{
		"Ada Lovelace":                   {Given: "Ada", Family: "Lovelace"},
		"Johannes Diderik van der Waals": {Given: "Johannes Diderik", Family: "van der Waals"},
		"Martin Luther King Jr.":         {Given: "Martin Luther", Family: "King", Suffix: "Jr."},
		"Lovelace, Ada":                  {Given: "Ada", Family: "Lovelace"},
		"ATLAS Collaboration":            {Literal: "ATLAS Collaboration"},
		"Plato":                          {Literal: "Plato"},
		"C.-P. Yuan":                     {Given: "C.-P.", Family: "Yuan"},
	} {
		if got := cite.SplitName(in); got != want {
			t.Errorf("SplitName(%q) = %+v, want %+v", in, got, want)
		}
	}
}

// Keys are arXiv's form, ASCII, and unique within one export.
func TestKeys(t *testing.T) {
	var k cite.Keys
	p := &model.Paper{Title: "The Deep Residual Learning", Authors: []model.Author{{Name: "Kaiming Hé"}}}
	var got []string
	for range 3 {
		got = append(got, k.Key(p))
	}
	if !slices.Equal(got, []string{"hedeep", "hedeepa", "hedeepb"}) {
		t.Errorf("keys %v", got)
	}
}
