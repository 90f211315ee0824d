package ingest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/store"
)

const oaiData = "../arxiv/testdata/oai/"

func harvester(t *testing.T, endpoint, format string) (*ingest.Harvester, *[]time.Duration) {
	c, slept := recordingClient()
	return &ingest.Harvester{Client: c, Store: newStore(t), Endpoint: endpoint, Format: format, LockDir: t.TempDir(), Log: quiet}, slept
}

// TestHarvestReplay replays real captures: arXiv's 503 with Retry-After: 10,
// an arXivRaw page ending in a resumption token, that token found expired,
// the restart, the last page; then a second run that finds nothing new.
func TestHarvestReplay(t *testing.T) {
	steps := nockSteps(t, oaiData+"oaipmh-listrecords---should-list-identifiers-from-arxiv.json", "metadataPrefix=arXivRaw", "set=physics:hep-ex")
	steps[1] = fileStep(t, oaiData+"ListRecordsResponse.xml", "metadataPrefix=arXivRaw") // a page with a token
	steps = append(steps,
		fileStep(t, oaiData+"ErrorResponseBadResumptionToken.xml", "resumptionToken=726959|1001"),
		fileStep(t, oaiData+"functional-ListRecords-physics-hep-ex.xml", "metadataPrefix=arXivRaw", "set=physics:hep-ex"),
		fileStep(t, oaiData+"ErrorResponseNoRecordsMatch.xml", "from=2017-12-14"),
	)
	rp := newReplay(t, steps...)
	h, slept := harvester(t, rp.URL+"/oai", arxiv.FormatArxivRaw)
	if steps[0].status != 503 || steps[0].header["Retry-After"] != "10" {
		t.Fatalf("the capture should start with a 503 Retry-After 10: %+v", steps[0])
	}

	res, err := h.Harvest(context.Background(), "physics:hep-ex", "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Papers != 9 || res.Inserted != 9 || res.Restarts != 1 || res.Until != "2017-12-14" || len(res.Skipped) != 0 {
		t.Errorf("first run = %+v", res)
	}
	waitedTen := false
	for _, d := range *slept {
		waitedTen = waitedTen || d == 10*time.Second
		if d > 0 && d < 2*time.Second {
			t.Errorf("waited only %v between requests", d)
		}
	}
	if !waitedTen {
		t.Errorf("did not wait the 10 s Retry-After asked: %v", *slept)
	}
	n, _ := h.Store.CountPapers(context.Background(), store.PaperFilter{})
	if n != 9 {
		t.Errorf("%d papers stored, want 9", n)
	}

	res, err = h.Harvest(context.Background(), "physics:hep-ex", "")
	if err != nil || res.Papers != 0 || res.From != "2017-12-14" {
		t.Errorf("second run = %+v, %v", res, err)
	}
	rp.done()
}

// TestHarvestFollowsTokens pages through a real three-page resumption chain
// (another repository's, so its records are not arXiv's and are skipped,
// each with its source and position).
func TestHarvestFollowsTokens(t *testing.T) {
	rp := newReplay(t,
		fileStep(t, "../arxiv/testdata/paging/tethys-ListRecords-page1.xml", "metadataPrefix=oai_dc"),
		fileStep(t, "../arxiv/testdata/paging/tethys-ListRecords-page2.xml", "resumptionToken=177435798600000"),
		fileStep(t, "../arxiv/testdata/paging/tethys-ListRecords-page3.xml", "resumptionToken=177435798700000"),
	)
	h, _ := harvester(t, rp.URL, arxiv.FormatDC)
	res, err := h.Harvest(context.Background(), "", "2020-01-01")
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages != 3 || res.Papers != 0 || len(res.Skipped) == 0 {
		t.Errorf("result = %+v", res)
	}
	for _, e := range res.Skipped {
		if !strings.Contains(e.Error(), rp.URL) || !strings.Contains(e.Error(), ": record ") {
			t.Errorf("skip %q does not say where", e)
		}
	}
	rp.done()
}

// TestHarvestResumesAfterFailure stops a run after its first page (the
// server fails for good), then runs again: it continues with the saved
// resumption token instead of starting over.
func TestHarvestResumesAfterFailure(t *testing.T) {
	fail := step{status: 500, body: []byte("boom")}
	rp := newReplay(t,
		fileStep(t, oaiData+"ListRecordsResponse.xml", "metadataPrefix=arXivRaw"),
		fail, fail,
		fileStep(t, oaiData+"functional-ListRecords-physics-hep-ex.xml", "resumptionToken=726959|1001"),
	)
	h, _ := harvester(t, rp.URL, arxiv.FormatArxivRaw)
	h.Client.MaxRetries = 1
	if _, err := h.Harvest(context.Background(), "math", ""); err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("first run: err = %v", err)
	}
	res, err := h.Harvest(context.Background(), "math", "")
	if err != nil || !res.Resumed || res.Papers != 3 {
		t.Fatalf("second run = %+v, %v", res, err)
	}
	n, _ := h.Store.CountPapers(context.Background(), store.PaperFilter{})
	if n != 9 {
		t.Errorf("%d papers, want 9", n)
	}
	rp.done()
}

func TestHarvestRefusesConcurrentRun(t *testing.T) {
	h, _ := harvester(t, "http://127.0.0.1:1/oai", arxiv.FormatArxivRaw)
	held, err := ingest.TryLock(h.LockDir, "oai "+h.Endpoint+"|"+h.Format+" cs")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Unlock()
	if _, err := h.Harvest(context.Background(), "cs", ""); !errors.Is(err, ingest.ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	held.Unlock()
	if _, err := ingest.TryLock(h.LockDir, "oai "+h.Endpoint+"|"+h.Format+" cs"); err != nil {
		t.Errorf("lock not released: %v", err)
	}
}

func TestFetchByID(t *testing.T) {
	rp := newReplay(t, fileStep(t, "../arxiv/testdata/atom/query-deep-dream-start0-max10.atom.xml", "id_list=1611.09520,1511.08339"))
	c, _ := recordingClient()
	f := &ingest.Fetcher{Client: c, Store: newStore(t), Endpoint: rp.URL + "/api/query", Log: quiet}
	res, err := f.Fetch(context.Background(), []string{"1611.09520v2", "arXiv:1511.08339"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 10 || len(res.Missing) != 0 {
		t.Errorf("result: inserted %d, missing %v", res.Inserted, res.Missing)
	}
	p, err := f.Store.(store.Store).FindPaperByID(context.Background(), "1611.09520")
	if err != nil || p.LatestVersion() != 2 || p.PrimaryCategory() != "q-bio.NC" || len(p.Authors) != 2 {
		t.Errorf("paper = %+v, %v", p, err)
	}
	rp.done()
}
