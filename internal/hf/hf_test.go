package hf_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quire/quire/internal/hf"
	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/testutil"
)

// rawItem is the part of a real response the tests compare against, read
// independently of the parser under test.
type rawItem struct {
	Paper struct {
		ID           string `json:"id"`
		Title        string `json:"title"`
		Upvotes      int    `json:"upvotes"`
		GithubRepo   string `json:"githubRepo"`
		Organization *struct {
			Name string `json:"name"`
		} `json:"organization"`
		Authors []json.RawMessage `json:"authors"`
	} `json:"paper"`
	Title       string `json:"title"` // arXiv's, with its TeX
	NumComments int    `json:"numComments"`
}

func checkFile(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw []rawItem
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	day := ingest.DayFromName(path)
	papers, err := hf.Parse(bytes.NewReader(data), day)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(papers) != len(raw) {
		t.Fatalf("%s: %d papers, want %d", path, len(papers), len(raw))
	}
	for i, p := range papers {
		r := raw[i].Paper
		if p.ID != r.ID || p.Upvotes != r.Upvotes || p.NumComments != raw[i].NumComments || p.GithubRepo != r.GithubRepo {
			t.Errorf("%s item %d: got %s/%d/%d/%q", path, i, p.ID, p.Upvotes, p.NumComments, p.GithubRepo)
		}
		if strings.ContainsAny(p.Title, "\n\t") || strings.Contains(p.Title, "  ") || p.Title != model.NormalizeSpace(raw[i].Title) {
			t.Errorf("%s item %d: title not normalised: %q", path, i, p.Title)
		}
		if len(p.Authors) != len(r.Authors) {
			t.Errorf("%s item %d: %d authors, want %d", path, i, len(p.Authors), len(r.Authors))
		}
		if (r.Organization != nil) != (p.Organization != nil) || (p.Organization != nil && p.Organization.Name != r.Organization.Name) {
			t.Errorf("%s item %d: organization %+v", path, i, p.Organization)
		}
		if p.Daily == nil || p.Daily.Day != day {
			t.Errorf("%s item %d: daily = %+v, want day %s", path, i, p.Daily, day)
		}
	}
}

func TestParseRealResponses(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) < 4 {
		t.Fatal("testdata responses missing")
	}
	for _, f := range files {
		checkFile(t, f)
	}
}

// TestParseAllSharedResponses reads every real response of the shared data
// set (221 days, 2024-05 to 2026-08, every schema change).
func TestParseAllSharedResponses(t *testing.T) {
	dir := testutil.SharedData(t, "hf-daily-papers")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Fatalf("no files in %s", dir)
	}
	for _, f := range files {
		checkFile(t, f)
	}
}

func TestDayWithoutFileName(t *testing.T) {
	// Without a requested date, submittedOnDailyAt places the paper, else
	// the submission time.
	in := `[{"paper":{"id":"2501.00001","title":"A","summary":"s","upvotes":1,"authors":[],"publishedAt":"2025-01-01T00:00:00.000Z",
		"submittedOnDailyAt":"2025-01-03T01:02:03.000Z"},"publishedAt":"2025-01-02T22:00:00.000Z","numComments":0},
	{"paper":{"id":"2501.00002","title":"B","upvotes":1},"publishedAt":"2025-01-02T22:00:00.000Z"}]`
	ps, err := hf.Parse(strings.NewReader(in), model.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ps[0].Daily.Day.String(); got != "2025-01-03" {
		t.Errorf("day from submittedOnDailyAt = %s", got)
	}
	if got := ps[1].Daily.Day.String(); got != "2025-01-02" {
		t.Errorf("day from publishedAt = %s", got)
	}
}

func TestParseTolerant(t *testing.T) {
	for name, in := range map[string]string{
		"unknown fields":  `[{"paper":{"id":"2501.00001","title":"T","upvotes":3,"brandNew":{"x":[1,2]}},"numComments":2,"extra":true}]`,
		"flat paper":      `{"id":"2501.00001","title":"T","upvotes":3,"authors":[{"name":"A B"}]}`,
		"versioned id":    `[{"paper":{"id":"arXiv:2501.00001v3","title":"T"}}]`,
		"old-style id":    `[{"paper":{"id":"hep-th/9901001","title":"T"}}]`,
		"wrapped title":   `[{"paper":{"id":"2501.00001","title":"A very\n  long title"}}]`,
		"title only out":  `[{"paper":{"id":"2501.00001"},"title":"Outer title"}]`,
		"null fields":     `[{"paper":{"id":"2501.00001","title":"T","githubStars":null,"organization":null,"ai_keywords":null}}]`,
		"legacy mediaUrl": `[{"paper":{"id":"2501.00001","title":"T"},"mediaUrl":"https://x/t.png"}]`,
	} {
		ps, err := hf.Parse(strings.NewReader(in), model.Date{})
		if err != nil || len(ps) != 1 {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if ps[0].Title == "" || strings.Contains(ps[0].Title, "\n") {
			t.Errorf("%s: title %q", name, ps[0].Title)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"not json", "hello", "not a JSON array"},
		{"truncated", `[{"paper":{"id":"2501.00001","title":"T"}`, "line 1"},
		{"syntax", "[\n{\"paper\": {\"id\": \"2501.00001\",, }}]", "line 2, column"},
		{"wrong type", `[{"paper":{"id":"2501.00001","title":"T","upvotes":"many"}}]`, "item 0"},
		{"no id", `[{"paper":{"title":"T"}}]`, `item 0: paper.id: invalid arXiv id ""`},
		{"bad id", `[{"paper":{"id":"2501.00001"},"title":"ok"},{"paper":{"id":"../etc","title":"T"}}]`, "item 1: paper.id"},
		{"no title", `[{"paper":{"id":"2501.00001"}}]`, "no title"},
		{"bad time", `[{"paper":{"id":"2501.00001","title":"T","publishedAt":"yesterday"}}]`, `publishedAt: invalid time "yesterday"`},
	} {
		_, err := hf.Parse(strings.NewReader(tc.in), model.Date{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b[:min(len(b), 4096)])
		f.Add(b)
	}
	f.Add([]byte(`{"id":"2501.00001","title":"T"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := hf.Parse(bytes.NewReader(data), model.Date{})
		if err != nil {
			return
		}
		for _, p := range ps {
			if _, err := model.NormalizeArxivID(p.ID); err != nil || p.Title == "" {
				t.Fatalf("accepted an invalid paper: %q %q", p.ID, p.Title)
			}
		}
	})
}
