package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

func version(t *testing.T, s store.Store, id int64) int64 {
	t.Helper()
	c, err := s.FindCollectionByID(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Version
}

func staleIDs(t *testing.T, s store.Store) map[int64]bool {
	t.Helper()
	cs, err := s.StaleInterests(ctx(), 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]bool{}
	for _, c := range cs {
		out[c.ID] = true
	}
	return out
}

// testInterestRankings: every change to what an interest learns from moves
// its version, so a stored ranking knows it is stale; a ranking is
// replaced only by a writer that read the stored revision.
func testInterestRankings(t *testing.T, s store.Store) {
	mustAccount(t, s, "ann")
	mustUpsert(t, s, fixture("2503.00001", "2025-03-01", 0), fixture("2503.00002", "2025-03-02", 0))
	c := collection("ann", "flows")
	c.Interest = true
	mustCollection(t, s, c)
	other := mustCollection(t, s, collection("ann", "plain")) // not an interest
	if _, err := s.AddItems(ctx(), other.ID, items("2503.00001"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := staleIDs(t, s); len(got) != 0 {
		t.Errorf("stale %v: an empty interest and a plain collection have nothing to learn", got)
	}
	// Each change moves the version.
	v := version(t, s, c.ID)
	steps := []struct {
		what string
		do   func() error
	}{
		{"add", func() error { _, err := s.AddItems(ctx(), c.ID, items("2503.00001"), time.Now()); return err }},
		{"import", func() error {
			_, err := s.ImportItems(ctx(), c.ID, []store.ImportItem{{PaperID: "2503.00002"}}, time.Now())
			return err
		}},
		{"remove", func() error { return s.RemoveItem(ctx(), c.ID, "2503.00002") }},
		{"mark", func() error { return s.MarkNotInterested(ctx(), c.ID, "2503.00002", true, time.Now()) }},
		{"update", func() error { c.Keywords = "optimal transport"; return s.UpdateCollection(ctx(), c) }},
		{"reset", func() error { return s.ResetInterest(ctx(), c.ID) }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		if nv := version(t, s, c.ID); nv <= v {
			t.Errorf("%s: version %d, was %d", st.what, nv, v)
		} else {
			v = nv
		}
	}
	if marks, _ := s.NotInterested(ctx(), c.ID); len(marks) != 0 {
		t.Errorf("marks %v after a reset", marks)
	}
	if !staleIDs(t, s)[c.ID] {
		t.Error("an interest with papers and no ranking is not stale")
	}
	// Compare and set on the row's revision.
	r := &store.InterestRanking{CollectionID: c.ID, Version: v, Model: []byte("m1"), Ranking: []byte("r1")}
	if saved, err := s.SaveInterestRankings(ctx(), []*store.InterestRanking{r}); err != nil || !saved[0] || r.Rev != 1 {
		t.Fatalf("first save: %v %v rev %d", saved, err, r.Rev)
	}
	late := &store.InterestRanking{CollectionID: c.ID, Version: v, Model: []byte("m0"), Ranking: []byte("r0")} // read no row
	if saved, err := s.SaveInterestRankings(ctx(), []*store.InterestRanking{late}); err != nil || saved[0] {
		t.Errorf("an insert over a stored row: %v %v", saved, err)
	}
	if staleIDs(t, s)[c.ID] {
		t.Error("stale after a ranking of its version was stored")
	}
	a := *r
	b := *r
	a.Ranking, b.Ranking = []byte("by a"), []byte("by b")
	saved, err := s.SaveInterestRankings(ctx(), []*store.InterestRanking{&a, &b})
	if err != nil || !saved[0] || saved[1] {
		t.Errorf("two writers from one read: %v %v, want only the first saved", saved, err)
	}
	got, err := s.InterestRankings(ctx(), []int64{c.ID, other.ID})
	if err != nil || len(got) != 1 || string(got[c.ID].Ranking) != "by a" || got[c.ID].Rev != 2 {
		t.Fatalf("stored %+v %v", got[c.ID], err)
	}
	if _, err := s.AddItems(ctx(), c.ID, items("2503.00002"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if !staleIDs(t, s)[c.ID] {
		t.Error("not stale after a paper was added")
	}
	// Eight writers that read revision 2: one wins.
	errs := race(8, func(i int) error {
		w := &store.InterestRanking{CollectionID: c.ID, Version: v, Rev: 2, Model: []byte("m"), Ranking: []byte(fmt.Sprint(i))}
		saved, err := s.SaveInterestRankings(ctx(), []*store.InterestRanking{w})
		if err == nil && !saved[0] {
			return model.Errorf(model.ECONFLICT, "lost")
		}
		return err
	})
	if got := codes(errs); got[""] != 1 || got[model.ECONFLICT] != 7 {
		t.Errorf("eight saves from one read: %v", got)
	}
	page, err := s.InterestRankingsAfter(ctx(), 0, 10)
	if err != nil || len(page) != 1 || page[0].CollectionID != c.ID {
		t.Errorf("rankings after 0: %v %v", page, err)
	}
	if page, _ := s.InterestRankingsAfter(ctx(), c.ID, 10); len(page) != 0 {
		t.Errorf("rankings after the last: %v", page)
	}
	if err := s.DeleteCollection(ctx(), c.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.InterestRankings(ctx(), []int64{c.ID}); len(got) != 0 {
		t.Error("a deleted interest's ranking stayed")
	}
}

func testFeedCursorsAndPrefs(t *testing.T, s store.Store) {
	mustAccount(t, s, "ann")
	if c, err := s.FeedCursor(ctx(), "job", "feed-a"); err != nil || c != (store.ChangeCursor{}) {
		t.Fatalf("no cursor: %v %v", c, err)
	}
	want := store.ChangeCursor{Seq: 42, ID: "2503.00001"}
	if err := s.SetFeedCursor(ctx(), "job", "feed-a", want); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.FeedCursor(ctx(), "job", "feed-a"); c != want {
		t.Errorf("cursor %v, want %v", c, want)
	}
	if c, _ := s.FeedCursor(ctx(), "job", "feed-b"); c != (store.ChangeCursor{}) {
		t.Errorf("a cursor of another feed: %v", c)
	}
	if p, err := s.ForYouPrefs(ctx(), "ann"); err != nil || p != (model.ForYouPrefs{}) {
		t.Errorf("default choices %v %v", p, err)
	}
	if err := s.SetForYouPrefs(ctx(), "ann", model.ForYouPrefs{Mix: 30, Merged: true}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.ForYouPrefs(ctx(), "ann"); p != (model.ForYouPrefs{Mix: 30, Merged: true}) {
		t.Errorf("choices %v", p)
	}
}
