package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

func arxivFixture(id string, versions ...int) *model.Paper {
	p := &model.Paper{ID: id, Title: "Arxiv title " + id, Summary: "arXiv abstract",
		Authors: []model.Author{
			{Name: "Ada Lovelace", Affiliations: []string{"Analytical Engine Co."}},
			{Name: "Alan Turing", Affiliations: []string{"Bletchley Park"}},
			{Name: "Hidden Person"},
		},
		Categories: []string{"cs.LG", "stat.ML"}, Comments: "10 pages", JournalRef: "J. Test 1 (2025)",
		DOI: "10.1000/x", License: "http://creativecommons.org/licenses/by/4.0/", Submitter: "Ada Lovelace"}
	for _, v := range versions {
		p.Versions = append(p.Versions, model.Version{Version: v,
			Created: time.Date(2025, 2, 20+v, 10, 0, 0, 0, time.UTC), Size: "100kb"})
	}
	return p
}

func testArxivRoundTrip(t *testing.T, s store.Store) {
	p := arxivFixture("2502.10001", 1, 2)
	res, err := s.UpsertArxiv(ctx(), []*model.Paper{p}, store.Checkpoint{})
	if err != nil || res.Inserted != 1 {
		t.Fatalf("UpsertArxiv: %+v %v", res, err)
	}
	got, err := s.FindPaperByID(ctx(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "categories", str(got.Categories), "[cs.LG stat.ML]")
	eq(t, "primary", got.PrimaryCategory(), "cs.LG")
	eq(t, "comments", got.Comments, p.Comments)
	eq(t, "journal", got.JournalRef, p.JournalRef)
	eq(t, "doi", got.DOI, p.DOI)
	eq(t, "license", got.License, p.License)
	eq(t, "submitter", got.Submitter, p.Submitter)
	eq(t, "versions", len(got.Versions), 2)
	eq(t, "latest", got.LatestVersion(), 2)
	eq(t, "v1 date is publishedAt", got.PublishedAt, p.Versions[0].Created)
	eq(t, "affiliations", str(got.Authors[1].Affiliations), "[Bletchley Park]")
	if got.Daily != nil {
		t.Error("an arXiv record must not put a paper on the daily list")
	}
}

func testArxivNewVersionIsAnEvent(t *testing.T, s store.Store) {
	mustArxiv(t, s, arxivFixture("2502.10002", 1))
	mustArxiv(t, s, arxivFixture("2502.10002", 1)) // same version again: no event
	mustArxiv(t, s, arxivFixture("2502.10002", 1, 2, 3))
	res, err := s.UpsertArxiv(ctx(), []*model.Paper{arxivFixture("2502.10002", 1, 2, 3)}, store.Checkpoint{})
	if err != nil || res.Updated != 1 || res.Inserted != 0 {
		t.Fatalf("re-upsert: %+v %v", res, err)
	}
	n, _ := s.CountPapers(ctx(), store.PaperFilter{})
	eq(t, "no duplicate paper", n, 1)
	evs, err := s.PaperEvents(ctx(), "2502.10002")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Version != 2 || evs[1].Version != 3 || evs[0].Kind != "replaced" {
		t.Errorf("events = %+v, want v2 and v3 replaced", evs)
	}
	got, _ := s.FindPaperByID(ctx(), "2502.10002")
	eq(t, "versions", len(got.Versions), 3)
}

// testSourcesDoNotOverwrite pins the merge rules: arXiv records never touch
// daily-list fields, HF records never touch arXiv fields, HF's author list
// wins but keeps arXiv's affiliations.
func testSourcesDoNotOverwrite(t *testing.T, s store.Store) {
	hf := fixture("2502.10003", "2025-03-03", 42)
	mustUpsert(t, s, hf)
	mustArxiv(t, s, arxivFixture("2502.10003", 1, 2))
	got, _ := s.FindPaperByID(ctx(), "2502.10003")
	eq(t, "upvotes kept", got.Upvotes, 42)
	eq(t, "repo kept", got.GithubRepo, hf.GithubRepo)
	eq(t, "org kept", got.Organization != nil, true)
	eq(t, "daily kept", got.Daily != nil, true)
	eq(t, "HF author ids kept", got.Authors[0].ObjectID, hf.Authors[0].ObjectID)
	eq(t, "HF claim kept", got.Authors[1].User != nil && got.Authors[1].User.Name == "hidden", true)
	eq(t, "arXiv affiliation added", str(got.Authors[0].Affiliations), "[Analytical Engine Co.]")
	eq(t, "arXiv categories", got.PrimaryCategory(), "cs.LG")
	eq(t, "arXiv v1 date wins", got.PublishedAt, time.Date(2025, 2, 21, 10, 0, 0, 0, time.UTC))

	hf.Upvotes = 50
	mustUpsert(t, s, hf)
	got, _ = s.FindPaperByID(ctx(), "2502.10003")
	eq(t, "categories kept after HF", got.PrimaryCategory(), "cs.LG")
	eq(t, "versions kept after HF", len(got.Versions), 2)
	eq(t, "affiliations kept after HF", str(got.Authors[0].Affiliations), "[Analytical Engine Co.]")
	eq(t, "no affiliation where names differ", len(got.Authors[1].Affiliations), 0)
	eq(t, "upvotes updated", got.Upvotes, 50)
}

func mustArxiv(t *testing.T, s store.Store, ps ...*model.Paper) {
	t.Helper()
	if _, err := s.UpsertArxiv(ctx(), ps, store.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
}

func testCheckpointsAreAtomic(t *testing.T, s store.Store) {
	_, err := s.FindHarvestCursor(ctx(), "oai", "cs")
	eq(t, "no cursor yet", model.ErrorCode(err), model.ENOTFOUND)
	cur := &store.HarvestCursor{Source: "oai", Set: "cs", Datestamp: "2025-03-01", RunFrom: "2025-03-01", Token: "t1", RunMax: "2025-03-02"}
	bad := &model.Paper{ID: "2502.10009"} // no title: the batch fails
	if _, err := s.UpsertArxiv(ctx(), []*model.Paper{arxivFixture("2502.10008", 1), bad}, store.Checkpoint{Cursor: cur}); err == nil {
		t.Fatal("batch with an invalid paper was accepted")
	}
	if _, err := s.FindHarvestCursor(ctx(), "oai", "cs"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("cursor saved with a failed batch: %v", err)
	}
	prog := &store.ImportProgress{Source: "kaggle:x", Offset: 1234, Line: 10}
	if _, err := s.UpsertArxiv(ctx(), []*model.Paper{arxivFixture("2502.10008", 1)}, store.Checkpoint{Cursor: cur, Progress: prog}); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindHarvestCursor(ctx(), "oai", "cs")
	if err != nil || got.Token != "t1" || got.Datestamp != "2025-03-01" || got.RunMax != "2025-03-02" || got.UpdatedAt.IsZero() {
		t.Errorf("cursor = %+v, %v", got, err)
	}
	gp, err := s.FindImportProgress(ctx(), "kaggle:x")
	if err != nil || gp.Offset != 1234 || gp.Line != 10 || gp.Done {
		t.Errorf("progress = %+v, %v", gp, err)
	}
	cur.Token, cur.Datestamp = "", "2025-03-02"
	if err := s.SaveHarvestCursor(ctx(), cur); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindHarvestCursor(ctx(), "oai", "cs")
	eq(t, "cursor updated", got.Datestamp+"|"+got.Token, "2025-03-02|")
}

func testIngestRuns(t *testing.T, s store.Store) {
	id, err := s.CreateIngestRun(ctx(), "oai", "cs:cs:LG")
	if err != nil {
		t.Fatal(err)
	}
	id2, _ := s.CreateIngestRun(ctx(), "kaggle", "snapshot.json")
	if err := s.FinishIngestRun(ctx(), id, "failed", 3, 1, "503 from arXiv"); err != nil {
		t.Fatal(err)
	}
	runs, err := s.RecentIngestRuns(ctx(), 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs = %v, %v", runs, err)
	}
	eq(t, "newest first", runs[0].ID, id2)
	eq(t, "running", runs[0].Status, "running")
	r := runs[1]
	if r.Status != "failed" || r.Records != 3 || r.Skipped != 1 || r.Message != "503 from arXiv" || r.FinishedAt.IsZero() {
		t.Errorf("run = %+v", r)
	}
}

// Batches of arXiv records, as the Kaggle import and harvests write them:
// the same outcome as record by record (PostgreSQL writes a batch in one
// statement), new versions as events, Hugging Face's authors kept with
// arXiv's affiliations.
func testArxivBatches(t *testing.T, s store.Store) {
	var first []*model.Paper
	for i := range 10 {
		first = append(first, arxivFixture(fmt.Sprintf("2503.%05d", i), 1))
	}
	first[3].ListingDay = model.MustDate("2025-02-24")
	first[4].Versions = nil // a record without version dates
	res, err := s.UpsertArxiv(ctx(), first, store.Checkpoint{Progress: &store.ImportProgress{Source: "batch", Offset: 10, Line: 10}})
	if err != nil || res.Inserted != 10 || res.Updated != 0 {
		t.Fatalf("first batch: %+v %v", res, err)
	}
	mustUpsert(t, s, fixture("2503.00002", "2025-03-03", 5)) // Hugging Face's record of one of them
	var second []*model.Paper
	for i := 5; i < 15; i++ {
		second = append(second, arxivFixture(fmt.Sprintf("2503.%05d", i), 1, 2))
	}
	second = append(second, arxivFixture("2503.00002", 1, 2, 3))
	res, err = s.UpsertArxiv(ctx(), second, store.Checkpoint{})
	if err != nil || res.Inserted != 5 || res.Updated != 6 {
		t.Fatalf("second batch: %+v %v (want 5 new, 6 updated)", res, err)
	}
	got, _ := s.FindPaperByID(ctx(), "2503.00007")
	eq(t, "versions merged", len(got.Versions), 2)
	evs, _ := s.PaperEvents(ctx(), "2503.00007")
	eq(t, "one replacement event", len(evs), 1)
	if evs, _ := s.PaperEvents(ctx(), "2503.00012"); len(evs) != 0 {
		t.Errorf("a paper new in the batch has events %+v", evs)
	}
	p2, _ := s.FindPaperByID(ctx(), "2503.00002")
	if len(p2.Versions) != 3 || p2.Upvotes != 5 || len(p2.Authors) == 0 || p2.Authors[0].Affiliations == nil {
		t.Errorf("a paper Hugging Face knows: versions %d, upvotes %d, authors %+v", len(p2.Versions), p2.Upvotes, p2.Authors)
	}
	p3, _ := s.FindPaperByID(ctx(), "2503.00003")
	eq(t, "listing day", p3.ListingDay.String(), "2025-02-24")
	p4, _ := s.FindPaperByID(ctx(), "2503.00004")
	eq(t, "no versions", len(p4.Versions), 0)
	if p, _ := s.FindImportProgress(ctx(), "batch"); p == nil || p.Line != 10 {
		t.Errorf("checkpoint of the batch: %+v", p)
	}
}
