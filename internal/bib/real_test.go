package bib_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quire/quire/internal/bib"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/testutil"
)

// An independent scan of the raw text, as ../shared/data/SOURCES.md counts:
// an arXiv id after eprint, "arXiv:", an arxiv.org URL, "abs/" or arXiv's
// DOI, and a DOI field.
var (
	rawArxiv = regexp.MustCompile(`(?i)(?:eprint\s*=\s*["{]\s*|arxiv\.org/(?:abs|pdf)/|arxiv:\s*|10\.48550/arxiv\.|\babs/|"number":\s*")` +
		`(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7})`)
	rawDOI = regexp.MustCompile(`(?im)(?:^\s*doi\s*=\s*["{]\s*|^DO  - |"DOI":\s*")(10\.[^"}\s]+)`)
)

// Every real bibliography parses, and every arXiv id and DOI in its text
// is found on some entry.
func TestRealBibliographies(t *testing.T) {
	dir := testutil.SharedData(t, "bibliographies")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) < 7 {
		t.Fatalf("%d files in %s", len(files), dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			es, format, err := bib.Parse(b, "")
			if err != nil {
				t.Fatal(err)
			}
			ids, dois := map[string]bool{}, map[string]bool{}
			for _, e := range es {
				ids[e.ArxivID], dois[e.DOI] = true, true
				if e.Line < 1 || e.Line > strings.Count(string(b), "\n")+1 {
					t.Errorf("entry %q at line %d", e.Key, e.Line)
				}
			}
			missed := 0
			for _, m := range rawArxiv.FindAllStringSubmatch(string(b), -1) {
				id, err := model.NormalizeArxivID(m[1])
				if err == nil && !ids[id] {
					missed++
					t.Errorf("arXiv id %s (%q) not found on any entry", id, m[0])
				}
			}
			for _, m := range rawDOI.FindAllStringSubmatch(string(b), -1) {
				doi := strings.TrimRight(strings.ToLower(m[1]), ".,;")
				if !dois[doi] {
					t.Errorf("DOI %s not found on any entry", doi)
				}
			}
			t.Logf("%s: %d entries, %d distinct arXiv ids, %d DOIs", format, len(es), len(ids)-1, len(dois)-1)
		})
	}
}
