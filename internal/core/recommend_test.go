package core_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/recommend"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
)

var topics = map[string][]string{
	"flow":  strings.Fields("flow matching transport velocity field ode sampling generative"),
	"graph": strings.Fields("graph node edge message passing neighbour pooling network"),
}

type recWorld struct {
	t   *testing.T
	db  store.Store
	ix  *search.Index
	lib *core.Library
	rng *rand.Rand
	n   int
	now time.Time
}

// paper writes a paper on topic first published age ago.
func (w *recWorld) paper(topic string, age time.Duration) *model.Paper {
	w.t.Helper()
	words := topics[topic]
	var b strings.Builder
	for range 40 {
		b.WriteString(words[w.rng.IntN(len(words))] + " ")
	}
	w.n++
	p := &model.Paper{ID: fmt.Sprintf("2611.%05d", w.n), Title: topic + " " + words[w.n%len(words)], Summary: b.String(),
		PublishedAt: w.now.Add(-age), Upvotes: w.n}
	if _, err := w.db.UpsertPapers(context.Background(), []*model.Paper{p}); err != nil {
		w.t.Fatal(err)
	}
	return p
}

func newRecWorld(t *testing.T) (*recWorld, *model.Account) {
	db := sqlitetest.MustOpen(t)
	ctx := context.Background()
	if err := db.CreateAccount(ctx, &model.Account{Name: "ann", Email: "ann@example.org", PasswordHash: "x", Role: model.RoleMember, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ix := search.New(db)
	w := &recWorld{t: t, db: db, ix: ix, rng: rand.New(rand.NewPCG(1, 1)), now: time.Now()}
	w.lib = &core.Library{Store: db, Now: time.Now, Vectors: ix}
	for i := range 60 {
		w.paper([]string{"flow", "graph"}[i%2], 72*time.Hour)
	}
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ix.Train()
	return w, &model.Account{Name: "ann", Role: model.RoleMember}
}

// flows makes a's interest "Flows" of paper 2611.00001 and stores its
// trained ranking.
func (w *recWorld) flows(a *model.Account) *model.Collection {
	w.t.Helper()
	ctx := context.Background()
	c, err := w.lib.CreateCollection(ctx, a, core.CollectionInput{Name: ptr("Flows"), Interest: ptr(true)})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.lib.Add(ctx, a, c.Slug, []string{"2611.00001"}, ""); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.lib.RefreshStale(ctx, 10); err != nil {
		w.t.Fatal(err)
	}
	return c
}

func sectionIDs(s core.ForYouSection) []string {
	var out []string
	for _, r := range s.Papers {
		out = append(out, r.Paper.ID)
	}
	return out
}

// An interest's ranking is trained once and stored; the job ranks new
// papers into it with the stored model; a mark, keywords and the mix
// change what is shown.
func TestRecommendationsStoredAndFollowNewPapers(t *testing.T) {
	ctx := context.Background()
	w, ann := newRecWorld(t)
	c, err := w.lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("Flows"), Interest: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.lib.Add(ctx, ann, c.Slug, []string{"2611.00001", "2611.00003", "2611.00005", "2611.00007"}, ""); err != nil {
		t.Fatal(err)
	}
	sec, err := w.lib.ForInterest(ctx, ann, c.Slug, 7, 10)
	if err != nil || len(sec.Papers) != 10 {
		t.Fatalf("for you: %d papers, %v", len(sec.Papers), err)
	}
	for _, r := range sec.Papers {
		if !strings.HasPrefix(r.Paper.Title, "flow") || len(r.Terms) == 0 || r.Closest == nil {
			t.Errorf("recommended %q (terms %v, closest %v): want flow papers with reasons", r.Paper.Title, r.Terms, r.Closest)
		}
	}
	stored := func() (int64, recommend.Ranking) {
		rows, err := w.lib.Store.InterestRankings(ctx, []int64{c.ID})
		if err != nil || rows[c.ID] == nil {
			t.Fatalf("stored ranking: %v", err)
		}
		r, err := recommend.DecodeRanking(rows[c.ID].Ranking)
		if err != nil {
			t.Fatal(err)
		}
		return rows[c.ID].Rev, r
	}
	rev, _ := stored()
	if n, err := w.lib.RefreshStale(ctx, 10); n != 0 || err != nil {
		t.Errorf("stale after a page load trained it: %d %v", n, err)
	}
	if st, err := w.lib.RankNew(ctx); err != nil || st.Papers != 60 {
		t.Errorf("first run of the job: %+v %v, want the 60 papers of the window", st, err)
	}
	// New papers: the job ranks them with the stored model.
	newFlow, newGraph := w.paper("flow", time.Hour), w.paper("graph", time.Hour)
	old := w.paper("flow", 30*24*time.Hour) // outside the window
	if err := w.ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := w.lib.RankNew(ctx)
	if err != nil || st.Papers != 2 || st.Interests != 1 || st.OtherSpace != 0 || st.Unreadable != 0 {
		t.Fatalf("job: %+v %v", st, err)
	}
	rev2, rank := stored()
	if rev2 != rev+2 && rev2 != rev+1 {
		t.Errorf("rev %d after the job, was %d", rev2, rev)
	}
	pos := map[string]int{}
	for i, e := range rank {
		pos[e.ID] = i
	}
	if _, ok := pos[old.ID]; ok {
		t.Error("a paper older than the window was ranked")
	}
	pf, okf := pos[newFlow.ID]
	pg, okg := pos[newGraph.ID]
	if !okf || !okg || pf > pg {
		t.Errorf("new flow paper at %d (%v), new graph paper at %d (%v)", pf, okf, pg, okg)
	}
	// Not interested: the interest is retrained on the next load, the paper gone.
	if err := w.lib.NotInterested(ctx, ann, c.Slug, newFlow.ID, true); err != nil {
		t.Fatal(err)
	}
	sec, err = w.lib.ForInterest(ctx, ann, c.Slug, 7, 100)
	if err != nil || slices.Contains(sectionIDs(sec), newFlow.ID) {
		t.Errorf("a paper marked not interested is shown: %v", err)
	}
	// Reset: the mark is forgotten.
	if err := w.lib.ResetInterest(ctx, ann, c.Slug); err != nil {
		t.Fatal(err)
	}
	if sec, _ = w.lib.ForInterest(ctx, ann, c.Slug, 7, 100); !slices.Contains(sectionIDs(sec), newFlow.ID) {
		t.Error("after a reset the marked paper is still left out")
	}
	// Keywords alone start an interest.
	g, err := w.lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("Graphs"), Interest: ptr(true), Keywords: ptr("graph message passing")})
	if err != nil {
		t.Fatal(err)
	}
	secs, err := w.lib.ForYou(ctx, ann, 7, 5)
	if err != nil || len(secs) != 2 {
		t.Fatalf("for you: %d sections, %v", len(secs), err)
	}
	for _, s := range secs {
		want := map[int64]string{c.ID: "flow", g.ID: "graph"}[s.Interest.ID]
		for _, r := range s.Papers {
			if !strings.HasPrefix(r.Paper.Title, want) {
				t.Errorf("%s: recommended %q", s.Interest.Name, r.Paper.Title)
			}
		}
	}
	merged := core.MergeSections(secs, 10)
	if len(merged) != 10 || merged[0].Interest == nil {
		t.Errorf("merged view: %d papers", len(merged))
	}
	// The community end of the mix: most upvoted first (upvotes grow with the id here).
	if err := w.lib.SetForYouPrefs(ctx, ann, model.ForYouPrefs{Mix: 100}); err != nil {
		t.Fatal(err)
	}
	sec, _ = w.lib.ForInterest(ctx, ann, c.Slug, 7, 5)
	for i := 1; i < len(sec.Papers); i++ {
		if sec.Papers[i].Paper.Upvotes > sec.Papers[i-1].Paper.Upvotes {
			t.Errorf("mix 100: %d upvotes after %d", sec.Papers[i].Paper.Upvotes, sec.Papers[i-1].Paper.Upvotes)
		}
	}
}

// The job and retrains racing on one interest lose no new paper: with
// fewer recent papers than a ranking keeps, every one is in it at the end.
func TestRankNewAndRetrainRace(t *testing.T) {
	ctx := context.Background()
	w, ann := newRecWorld(t)
	c := w.flows(ann)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	wg.Add(2)
	go func() { // new papers arrive and the job ranks them
		defer wg.Done()
		for range 15 {
			w.paper("flow", time.Minute)
			if err := w.ix.Sync(ctx); err != nil {
				errs <- err
			}
			if _, err := w.lib.RankNew(ctx); err != nil {
				errs <- err
			}
		}
	}()
	go func() { // meanwhile the reader keeps changing the interest
		defer wg.Done()
		for i := range 15 {
			kw := fmt.Sprintf("flow %d", i)
			if _, err := w.lib.UpdateCollection(ctx, ann, c.Slug, core.CollectionInput{Keywords: &kw}); err != nil {
				errs <- err
			}
			if _, err := w.lib.RefreshStale(ctx, 10); err != nil {
				errs <- err
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		if model.ErrorCode(err) != model.EUNAVAILABLE { // a writer that kept losing says so, and the next run catches up
			t.Fatal(err)
		}
	}
	if _, err := w.lib.RankNew(ctx); err != nil {
		t.Fatal(err)
	}
	rows, _ := w.lib.Store.InterestRankings(ctx, []int64{c.ID})
	rank, err := recommend.DecodeRanking(rows[c.ID].Ranking)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, e := range rank {
		in[e.ID] = true
	}
	for i := 2; i <= w.n; i++ { // every paper but the interest's own
		if id := fmt.Sprintf("2611.%05d", i); !in[id] {
			t.Errorf("%s is missing from the ranking (%d entries)", id, len(rank))
		}
	}
}

// interleave runs hook once, inside the first read of recent papers made
// after it is armed: the moment a retrain has read its candidates.
type interleave struct {
	store.Store
	mu   sync.Mutex
	hook func()
}

func (s *interleave) FindPapers(ctx context.Context, f store.PaperFilter) ([]*model.Paper, error) {
	ps, err := s.Store.FindPapers(ctx, f)
	s.mu.Lock()
	hook := s.hook
	if !f.Recent.IsZero() {
		s.hook = nil
	}
	s.mu.Unlock()
	if hook != nil && !f.Recent.IsZero() {
		hook()
	}
	return ps, err
}

// A paper the job ranks in while a retrain is between reading its
// candidates and storing its ranking is not lost: the retrain finds the
// row changed and starts again.
func TestRetrainAfterJobMergedKeepsPaper(t *testing.T) {
	ctx := context.Background()
	w, ann := newRecWorld(t)
	il := &interleave{Store: w.lib.Store}
	lib := &core.Library{Store: il, Now: time.Now, Vectors: w.ix}
	c, err := lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("Flows"), Interest: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Add(ctx, ann, c.Slug, []string{"2611.00001"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.RefreshStale(ctx, 10); err != nil { // stored once
		t.Fatal(err)
	}
	if _, err := lib.RankNew(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Add(ctx, ann, c.Slug, []string{"2611.00003"}, ""); err != nil { // stale again
		t.Fatal(err)
	}
	var late *model.Paper
	il.hook = func() {
		late = w.paper("flow", time.Minute)
		if err := w.ix.Sync(ctx); err != nil {
			t.Error(err)
		}
		if st, err := lib.RankNew(ctx); err != nil || st.Interests != 1 {
			t.Errorf("the job meanwhile: %+v %v", st, err)
		}
	}
	if n, err := lib.RefreshStale(ctx, 10); n != 1 || err != nil {
		t.Fatalf("retrain: %d %v", n, err)
	}
	rows, _ := il.InterestRankings(ctx, []int64{c.ID})
	rank, _ := recommend.DecodeRanking(rows[c.ID].Ranking)
	if !slices.ContainsFunc(rank, func(e recommend.Entry) bool { return e.ID == late.ID }) {
		t.Errorf("the paper the job ranked in during the retrain is lost (%d entries)", len(rank))
	}
}

// A stored row that does not decode does not stop the job: it is retrained
// and the new papers ranked into every other interest.
func TestRankNewReplacesUnreadableRow(t *testing.T) {
	ctx := context.Background()
	w, ann := newRecWorld(t)
	c := w.flows(ann)
	if _, err := w.lib.RankNew(ctx); err != nil {
		t.Fatal(err)
	}
	rows, _ := w.db.InterestRankings(ctx, []int64{c.ID})
	bad := *rows[c.ID]
	bad.Model = []byte("not a model")
	if saved, err := w.db.SaveInterestRankings(ctx, []*store.InterestRanking{&bad}); err != nil || !saved[0] {
		t.Fatal(saved, err)
	}
	fresh := w.paper("flow", time.Minute)
	if err := w.ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := w.lib.RankNew(ctx)
	if err != nil || st.Unreadable != 1 {
		t.Fatalf("job: %+v %v", st, err)
	}
	rows, _ = w.db.InterestRankings(ctx, []int64{c.ID})
	rank, err := recommend.DecodeRanking(rows[c.ID].Ranking)
	if _, merr := recommend.NewCorpus(nil, nil).Decode(rows[c.ID].Model); err != nil || merr != nil ||
		!slices.ContainsFunc(rank, func(e recommend.Entry) bool { return e.ID == fresh.ID }) {
		t.Errorf("the row was not replaced by a retrain that ranks the new paper: %v %v", err, merr)
	}
}
