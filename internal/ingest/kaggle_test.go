package ingest_test

import (
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quire/quire/internal/arxiv/arxivtest"
	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/store"
)

const kaggleSample = "../arxiv/testdata/kaggle/arxiv-metadata-oai-snapshot.head-0001-0150.jsonl"

func TestKaggleImportRealSample(t *testing.T) {
	db := newStore(t)
	res, err := ingest.Kaggle(context.Background(), db, kaggleSample, ingest.KaggleOptions{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Papers != 150 || res.Inserted != 150 || res.Skipped != 0 || res.Lines != 150 {
		t.Fatalf("result = %+v", res)
	}
	p, err := db.FindPaperByID(context.Background(), "0704.0001")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies" ||
		len(p.Authors) != 4 || p.Authors[0].Name != "C. Balázs" || p.PrimaryCategory() != "hep-ph" ||
		p.LatestVersion() != 2 || p.PublishedAt.Format("2006-01-02") != "2007-04-02" || p.DOI != "10.1103/PhysRevD.76.013009" {
		t.Errorf("0704.0001 = %+v", p)
	}
	// A second run of the same, finished file imports it again, idempotently.
	res, err = ingest.Kaggle(context.Background(), db, kaggleSample, ingest.KaggleOptions{}, quiet)
	if err != nil || res.Inserted != 0 || res.Updated != 150 {
		t.Fatalf("second run = %+v, %v", res, err)
	}
}

func TestKaggleBadLinesAreSkipped(t *testing.T) {
	sample, _ := os.ReadFile(kaggleSample)
	lines := strings.Split(strings.TrimSpace(string(sample)), "\n")
	bad := []string{
		`{"id":"2401.00001","title":"x"`, // truncated JSON
		`{"title":"no id","categories":"cs.LG","abstract":"a"}`,
		strings.Replace(lines[1], `"categories":"`, `"categories":"made.UP `, 1),
		strings.Repeat("x", 5<<20), // longer than MaxLineBytes
	}
	in := strings.Join(append(append([]string{lines[0]}, bad...), lines[2]), "\n")
	path := filepath.Join(t.TempDir(), "mixed.jsonl.gz")
	f, _ := os.Create(path)
	zw := gzip.NewWriter(f)
	zw.Write([]byte(in))
	zw.Close()
	f.Close()

	db := newStore(t)
	res, err := ingest.Kaggle(context.Background(), db, path, ingest.KaggleOptions{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Papers != 2 || res.Skipped != 4 || len(res.Errors) != 4 {
		t.Fatalf("result = %+v", res)
	}
	for i, want := range []string{"line 2", "line 3: record without an id", `line 4 (`, "line 5: line longer than"} {
		if e := res.Errors[i].Error(); !strings.Contains(e, path+": "+want) {
			t.Errorf("error %d = %q, want it to contain %q", i, e, want)
		}
	}
	if !strings.Contains(res.Errors[2].Error(), `unknown category "made.UP"`) {
		t.Errorf("category error = %q", res.Errors[2])
	}
	n, _ := db.CountPapers(context.Background(), store.PaperFilter{})
	if n != 2 {
		t.Errorf("%d papers stored", n)
	}
}

func TestKaggleResumesFromProgress(t *testing.T) {
	tmpl, err := arxivtest.Templates(kaggleSample)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "synthetic.jsonl")
	f, _ := os.Create(path)
	if err := arxivtest.Write(f, tmpl, 3*ingest.KaggleBatch+123, 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	db := newStore(t)
	// Stop after the first batch is written, as a crash would.
	ctx, cancel := context.WithCancel(context.Background())
	_, err = ingest.Kaggle(ctx, db, path, ingest.KaggleOptions{Progress: func(_, _ int64, papers int) { cancel() }}, quiet)
	if err == nil {
		t.Fatal("cancelled import reported success")
	}
	res, err := ingest.Kaggle(context.Background(), db, path, ingest.KaggleOptions{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != ingest.KaggleBatch || res.Lines != 3*ingest.KaggleBatch+123 {
		t.Errorf("resumed at line %d, ended at %d", res.Resumed, res.Lines)
	}
	n, _ := db.CountPapers(context.Background(), store.PaperFilter{})
	if n != 3*ingest.KaggleBatch+123 {
		t.Errorf("%d papers, want %d", n, 3*ingest.KaggleBatch+123)
	}
}
