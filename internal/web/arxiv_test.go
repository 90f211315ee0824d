package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/testutil"
)

// TestArxivImportedPages imports the real Kaggle sample and checks the
// paper page and /api/papers/{id} against golden files: authors (with
// affiliations), categories, versions and dates.
func TestArxivImportedPages(t *testing.T) {
	ts := newTestServer(t, 0)
	if _, err := ingest.Kaggle(context.Background(), ts.DB, "../arxiv/testdata/kaggle/arxiv-metadata-oai-snapshot.head-0001-0150.jsonl",
		ingest.KaggleOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"0704.0001", "0704.0031"} {
		res, body := ts.get(t, "/api/papers/"+id)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", id, res.StatusCode)
		}
		testutil.Golden(t, "arxiv/"+id+".json", body)
		res, body = ts.get(t, "/papers/"+id)
		if res.StatusCode != 200 || !strings.Contains(string(body), `class="versions"`) {
			t.Fatalf("%s page: %d", id, res.StatusCode)
		}
		testutil.Golden(t, "arxiv/"+id+".html", staticHashes.ReplaceAll(body, []byte("/static/HASH/")))
	}
}
