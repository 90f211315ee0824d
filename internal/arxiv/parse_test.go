package arxiv

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/testutil"
)

// summary is what the golden files pin for each parsed paper.
type summary struct {
	ID          string
	Title       string
	Authors     []string
	Categories  []string
	Versions    []string
	PublishedAt string
	Comments    string `json:",omitempty"`
	JournalRef  string `json:",omitempty"`
	DOI         string `json:",omitempty"`
	License     string `json:",omitempty"`
	Abstract    string // first 80 characters
}

func summarize(ps []*model.Paper) []byte {
	var out []summary
	for _, p := range ps {
		s := summary{ID: p.ID, Title: p.Title, Categories: p.Categories, Comments: p.Comments, JournalRef: p.JournalRef,
			DOI: p.DOI, License: p.License, PublishedAt: p.PublishedAt.Format("2006-01-02T15:04:05Z")}
		for _, a := range p.Authors {
			name := a.Name
			if len(a.Affiliations) > 0 {
				name += " (" + strings.Join(a.Affiliations, "; ") + ")"
			}
			s.Authors = append(s.Authors, name)
		}
		for _, v := range p.Versions {
			s.Versions = append(s.Versions, "v"+itoa(v.Version)+" "+v.Created.Format("2006-01-02T15:04:05Z"))
		}
		s.Abstract = p.Summary[:min(80, len(p.Summary))]
		out = append(out, s)
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return append(b, '\n')
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestParseOAIGolden(t *testing.T) {
	for _, name := range []string{"ListRecordsResponse.xml", "GetRecordResponse.xml",
		"functional-ListRecords-physics-hep-ex.xml", "functional-ListRecords-single.xml",
		"unit-sample_arxiv_record.xml", "oaipmh-listrecords---should-list-identifiers-from-arxiv.response1.status200.xml"} {
		body, err := os.ReadFile(filepath.Join("testdata/oai", name))
		if err != nil {
			t.Fatal(err)
		}
		page, err := ParseOAI(body, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(page.Papers) == 0 || len(page.Skipped) > 0 {
			t.Errorf("%s: %d papers, skipped %v", name, len(page.Papers), page.Skipped)
		}
		testutil.Golden(t, "golden/oai-"+strings.TrimSuffix(name, ".xml")+".json", summarize(page.Papers))
	}
}

func TestParseOAIResumptionToken(t *testing.T) {
	body, _ := os.ReadFile("testdata/oai/ListRecordsResponse.xml")
	page, err := ParseOAI(body, "x")
	if err != nil {
		t.Fatal(err)
	}
	if page.Token != "726959|1001" || page.ListSize != 58011 || len(page.Datestamps) != len(page.Papers) {
		t.Errorf("token %q size %d datestamps %v", page.Token, page.ListSize, page.Datestamps)
	}
	p := page.Papers[0]
	if p.ID != "0704.0471" || len(p.Versions) != 1 || p.Versions[0].Size != "294kb" || p.PublishedAt.Format("2006-01-02") != "2007-04-03" {
		t.Errorf("first record = %+v", p)
	}
	if strings.Contains(p.Title, "\n") || !strings.HasPrefix(p.Title, "Density dependence of the symmetry energy and the nuclear equation of state") {
		t.Errorf("title not unwrapped: %q", p.Title)
	}
}

func TestParseOAIErrors(t *testing.T) {
	for file, code := range map[string]string{
		"ErrorResponseBadArgument.xml": "badArgument", "ErrorResponseBadResumptionToken.xml": "badResumptionToken",
		"ErrorResponseBadVerb.xml": "badVerb", "ErrorResponseIdDoesNotExist.xml": "idDoesNotExist",
		"ErrorResponseNoRecordsMatch.xml": "noRecordsMatch",
	} {
		body, _ := os.ReadFile(filepath.Join("testdata/oai", file))
		_, err := ParseOAI(body, file)
		if !IsOAIError(err, code) {
			t.Errorf("%s: err = %v, want OAI-PMH %s", file, err, code)
		}
	}
	body, _ := os.ReadFile("testdata/oai/functional-ListRecords-physics-hep-ex.xml")
	if _, err := ParseOAI(body[:len(body)/2], "cut.xml"); err == nil || !strings.Contains(err.Error(), "cut.xml: malformed OAI-PMH response at byte") {
		t.Errorf("truncated page: err = %v", err)
	}
}

func TestParseOAISkipsBadRecords(t *testing.T) {
	body, _ := os.ReadFile("testdata/oai/functional-ListRecords-physics-hep-ex.xml")
	s := string(body)
	s = strings.Replace(s, "<id>1706.09418</id>", "<id></id>", 1)                                                     // no id
	s = strings.Replace(s, "<categories>physics.ins-det hep-ex</categories>", "<categories>bogus.XX</categories>", 1) // unknown category
	page, err := ParseOAI([]byte(s), "edited.xml")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Skipped) != 2 {
		t.Fatalf("skipped = %v", page.Skipped)
	}
	for _, e := range page.Skipped {
		if !strings.HasPrefix(e.Error(), "edited.xml: record ") {
			t.Errorf("error %q does not name the source and position", e)
		}
	}
	if !strings.Contains(page.Skipped[0].Error()+page.Skipped[1].Error(), `unknown category "bogus.XX"`) {
		t.Errorf("errors: %v", page.Skipped)
	}
}

func TestParseAtomGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/atom/*.xml")
	for _, f := range files {
		body, _ := os.ReadFile(f)
		page, err := ParseAtom(body, f)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalResults != 24617 || len(page.Papers) != 10 || len(page.Skipped) != 0 {
			t.Errorf("%s: total %d, %d papers, skipped %v", f, page.TotalResults, len(page.Papers), page.Skipped)
		}
		testutil.Golden(t, "golden/atom-"+strings.TrimSuffix(filepath.Base(f), ".atom.xml")+".json", summarize(page.Papers))
	}
}

func TestParseKaggleGolden(t *testing.T) {
	f, err := os.Open("testdata/kaggle/arxiv-metadata-oai-snapshot.head-0001-0150.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lr := NewLineReader(f, 0, 0)
	var papers []*model.Paper
	for {
		line, err := lr.Next(nil)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParseKaggleLine(line)
		if err != nil {
			t.Fatalf("line %d: %v", lr.Line, err)
		}
		papers = append(papers, p)
	}
	if len(papers) != 150 || papers[0].ID != "0704.0001" {
		t.Fatalf("%d papers", len(papers))
	}
	if a := papers[0].Authors[0].Name; a != "C. Balázs" {
		t.Errorf("accent not normalised: %q", a)
	}
	testutil.Golden(t, "golden/kaggle-head.json", summarize(papers))
}

func TestLineReaderLongLines(t *testing.T) {
	long := bytes.Repeat([]byte("x"), MaxLineBytes+10)
	in := "{\"a\":1}\n" + string(long) + "\n\n{\"b\":2}"
	lr := NewLineReader(strings.NewReader(in), 0, 0)
	var got []string
	var errs int
	for {
		line, err := lr.Next(nil)
		if err == io.EOF {
			break
		}
		if errors.Is(err, ErrLineTooLong) {
			errs++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(line))
	}
	if errs != 1 || len(got) != 2 || got[1] != `{"b":2}` || lr.Offset != int64(len(in)) || lr.Line != 4 {
		t.Errorf("got %q, %d too long, offset %d, line %d", got, errs, lr.Offset, lr.Line)
	}
}

func TestNormalize(t *testing.T) {
	if got := Abstract("  First line\nwrapped here.\n  Second paragraph\nalso wrapped.\n"); got != "First line wrapped here.\n\nSecond paragraph also wrapped." {
		t.Errorf("Abstract = %q", got)
	}
	if got := Title("Gr\\\"obner bases and $\\pi_0$ of na\\\"{\\i}ve \\c{c}"); got != "Gröbner bases and $\\pi_0$ of naïve ç" {
		t.Errorf("Title = %q", got)
	}
	as := SplitAuthors("D.V. Shetty, S.J. Yennello (Texas A&M), and G.A. Souliotis")
	if len(as) != 3 || as[1].Name != "S.J. Yennello" || as[1].Affiliations[0] != "Texas A&M" || as[2].Name != "G.A. Souliotis" {
		t.Errorf("SplitAuthors = %+v", as)
	}
	if _, err := Categories("cs.LG stat.ML cond-mat.mes-hall hep-th math.AG q-bio.NC physics.optics"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"foo.bar", "cs.lg.x", "CS.LG", "madeup"} {
		if _, err := Categories(bad); err == nil {
			t.Errorf("Categories(%q) accepted", bad)
		}
	}
}

func FuzzParseOAI(f *testing.F) {
	files, _ := filepath.Glob("testdata/oai/*.xml")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		page, err := ParseOAI(data, "fuzz")
		if err != nil {
			return
		}
		for _, p := range page.Papers {
			if _, err := model.NormalizeArxivID(p.ID); err != nil || p.Title == "" {
				t.Fatalf("accepted invalid paper %q %q", p.ID, p.Title)
			}
		}
	})
}

func FuzzParseAtom(f *testing.F) {
	files, _ := filepath.Glob("testdata/atom/*.xml")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		page, err := ParseAtom(data, "fuzz")
		if err != nil {
			return
		}
		for _, p := range page.Papers {
			if _, err := model.NormalizeArxivID(p.ID); err != nil || p.Title == "" {
				t.Fatalf("accepted invalid paper %q %q", p.ID, p.Title)
			}
		}
	})
}

func FuzzParseKaggleLine(f *testing.F) {
	b, _ := os.ReadFile("testdata/kaggle/arxiv-metadata-oai-snapshot.head-0001-0150.jsonl")
	for _, line := range bytes.Split(b, []byte("\n"))[:20] {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		p, err := ParseKaggleLine(line)
		if err != nil {
			if p != nil && p.Title != "" {
				t.Fatalf("error result carries more than an id: %+v", p)
			}
			return
		}
		if _, err := model.NormalizeArxivID(p.ID); err != nil || p.Title == "" {
			t.Fatalf("accepted invalid paper %q %q", p.ID, p.Title)
		}
	})
}

func TestCodeLinkFilledAutomatically(t *testing.T) {
	line := []byte(`{"id":"2401.00001","title":"T","abstract":"Code at https://github.com/org/repo.","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 10:00:00 GMT"}]}`)
	p, err := ParseKaggleLine(line)
	if err != nil || p.GithubRepo != "https://github.com/org/repo" || p.GithubRepoAddedBy != "auto" {
		t.Errorf("paper = %+v, %v", p, err)
	}
}
