package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

func collection(owner, slug string) *model.Collection {
	return &model.Collection{Owner: owner, Slug: slug, Name: "Name of " + slug, Private: true, Order: model.OrderAdded,
		FeedSecret: "feed-" + owner + "-" + slug}
}

func mustCollection(t *testing.T, s store.Store, c *model.Collection) *model.Collection {
	t.Helper()
	if err := s.CreateCollection(ctx(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func items(ids ...string) []model.CollectionItem {
	out := make([]model.CollectionItem, len(ids))
	for i, id := range ids {
		out[i] = model.CollectionItem{PaperID: id}
	}
	return out
}

func itemIDs(t *testing.T, s store.Store, c *model.Collection) []string {
	t.Helper()
	its, err := s.CollectionItems(ctx(), c, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range its {
		ids = append(ids, it.PaperID)
	}
	return ids
}

// Collections keep their items in the order added; duplicates stay put;
// an unknown paper fails the whole call; orders, counts and lookups.
func testCollections(t *testing.T, s store.Store) {
	mustAccount(t, s, "Ann")
	mustAccount(t, s, "bob")
	mustUpsert(t, s, fixture("2501.00003", "2025-01-10", 1), fixture("2501.00001", "2025-01-11", 1), fixture("2501.00002", "2025-01-12", 1))
	c := mustCollection(t, s, collection("Ann", "flows"))
	if c.ID == 0 {
		t.Fatal("no id")
	}
	if err := s.CreateCollection(ctx(), collection("Ann", "flows")); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("same slug again: %v, want ECONFLICT", err)
	}
	mustCollection(t, s, collection("bob", "flows")) // slugs are per owner
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if n, err := s.AddItems(ctx(), c.ID, items("2501.00002", "2501.00003"), at); n != 2 || err != nil {
		t.Fatalf("add: %d %v", n, err)
	}
	n, err := s.AddItems(ctx(), c.ID, []model.CollectionItem{{PaperID: "2501.00001"}, {PaperID: "2501.00002", Note: "key result"}}, at.Add(time.Hour))
	if n != 1 || err != nil {
		t.Fatalf("add again: %d %v", n, err)
	}
	if got := itemIDs(t, s, c); !slices.Equal(got, []string{"2501.00002", "2501.00003", "2501.00001"}) {
		t.Errorf("items %v, want the order added", got)
	}
	if _, err := s.AddItems(ctx(), c.ID, items("2501.00009", "2501.00001"), at); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("unknown paper: %v, want ENOTFOUND", err)
	}
	its, _ := s.CollectionItems(ctx(), c, 0, 0)
	if len(its) != 3 || its[0].Note != "key result" || !its[0].AddedAt.Equal(at) {
		t.Errorf("items after a failed add: %+v", its)
	}
	c.Order = model.OrderRecent
	if got := itemIDs(t, s, c); got[0] != "2501.00001" {
		t.Errorf("recent order %v", got)
	}
	if page, _ := s.CollectionItems(ctx(), &model.Collection{ID: c.ID}, 1, 1); len(page) != 1 || page[0].PaperID != "2501.00003" {
		t.Errorf("page 2 of 1: %+v", page)
	}
	c.Name, c.Description, c.Private, c.FeedSecret, c.Interest = "Flow matching", "Papers on flows", false, "new-secret", true
	if err := s.UpdateCollection(ctx(), c); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindCollection(ctx(), "ann", "flows")
	if err != nil || got.Name != "Flow matching" || got.Private || got.Count != 3 || got.Order != model.OrderRecent || got.Owner != "Ann" || !got.Interest {
		t.Errorf("found %+v, %v", got, err)
	}
	if _, err := s.FindCollectionByFeed(ctx(), "feed-Ann-flows"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("a revoked feed secret still finds the collection: %v", err)
	}
	if got, err := s.FindCollectionByFeed(ctx(), "new-secret"); err != nil || got.ID != c.ID {
		t.Errorf("by feed: %+v %v", got, err)
	}
	mustCollection(t, s, collection("Ann", model.ReadingListSlug))
	mustCollection(t, s, collection("Ann", "apples"))
	list, _ := s.ListCollections(ctx(), "Ann")
	var slugs []string
	for _, l := range list {
		slugs = append(slugs, l.Slug)
	}
	if !slices.Equal(slugs, []string{model.ReadingListSlug, "flows", "apples"}) {
		t.Errorf("collections %v: the Reading list first, then by name", slugs)
	}
	saved, _ := s.SavedIn(ctx(), "Ann", []string{"2501.00001", "2501.00009"})
	if len(saved) != 1 || !slices.Equal(saved["2501.00001"], []string{"flows"}) {
		t.Errorf("saved in %v", saved)
	}
	for _, id := range []string{"2501.00003", "2501.00001"} {
		if err := s.MarkNotInterested(ctx(), c.ID, id, true, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkNotInterested(ctx(), c.ID, "2501.09999", true, at); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("not interested in an unknown paper: %v", err)
	}
	if err := s.MarkNotInterested(ctx(), c.ID, "2501.00003", false, at); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.NotInterested(ctx(), c.ID); !slices.Equal(ids, []string{"2501.00001"}) {
		t.Errorf("not interested %v", ids)
	}
	if err := s.RemoveItem(ctx(), c.ID, "2501.00001"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveItem(ctx(), c.ID, "2501.00001"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("second remove: %v", err)
	}
	if err := s.DeleteCollection(ctx(), c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindCollection(ctx(), "Ann", "flows"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("deleted collection: %v", err)
	}
}

// Reading state and notes are per user; lists can leave out what a user
// has read or saved.
func testPaperStates(t *testing.T, s store.Store) {
	mustAccount(t, s, "ann")
	mustAccount(t, s, "bob")
	mustUpsert(t, s, fixture("2501.00001", "2025-01-10", 3), fixture("2501.00002", "2025-01-10", 2), fixture("2501.00003", "2025-01-10", 1))
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if err := s.MarkRead(ctx(), "ann", "2501.00001", true, at); err != nil {
		t.Fatal(err)
	}
	if err := s.SetNote(ctx(), "ann", "2501.00001", "*read twice*", at); err != nil {
		t.Fatal(err)
	}
	if err := s.SetNote(ctx(), "ann", "2501.00002", "to do", at); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRead(ctx(), "ann", "2501.09999", true, at); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("mark an unknown paper: %v", err)
	}
	st, _ := s.PaperStates(ctx(), "ann", []string{"2501.00001", "2501.00002", "2501.00003"})
	if a := st["2501.00001"]; !a.Read || a.Note != "*read twice*" || !a.ReadAt.Equal(at) {
		t.Errorf("state %+v", a)
	}
	if b := st["2501.00002"]; b.Read || b.Note != "to do" {
		t.Errorf("state %+v", b)
	}
	if other, _ := s.PaperStates(ctx(), "bob", nil); len(other) != 0 {
		t.Errorf("bob sees ann's states: %v", other)
	}
	c := mustCollection(t, s, collection("ann", model.ReadingListSlug))
	if _, err := s.AddItems(ctx(), c.ID, items("2501.00002"), at); err != nil {
		t.Fatal(err)
	}
	ids := func(f store.PaperFilter) []string {
		f.Sort = store.SortUpvotes
		ps, err := s.FindPapers(ctx(), f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	if got := ids(store.PaperFilter{OnDaily: true, UnreadBy: "ann"}); !slices.Equal(got, []string{"2501.00002", "2501.00003"}) {
		t.Errorf("unread by ann: %v", got)
	}
	if got := ids(store.PaperFilter{OnDaily: true, UnreadBy: "ann", UnsavedBy: "ann"}); !slices.Equal(got, []string{"2501.00003"}) {
		t.Errorf("unread and unsaved: %v", got)
	}
	if got := ids(store.PaperFilter{OnDaily: true, UnreadBy: "bob"}); len(got) != 3 {
		t.Errorf("bob's unread: %v", got)
	}
	if err := s.MarkRead(ctx(), "ann", "2501.00001", false, at); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.PaperStates(ctx(), "ann", []string{"2501.00001"}); st["2501.00001"].Read || st["2501.00001"].Note != "*read twice*" {
		t.Errorf("unread keeps the note: %+v", st)
	}
}

// Many adders at once: every paper lands once, at its own position; two
// creates of one slug: one wins.
func testCollectionRace(t *testing.T, s store.Store) {
	mustAccount(t, s, "ann")
	var ps []*model.Paper
	for i := range 16 {
		ps = append(ps, fixture(fmt.Sprintf("2502.%05d", i), "2025-02-01", 0))
	}
	mustUpsert(t, s, ps...)
	errs := race(8, func(i int) error {
		c := collection("ann", "race")
		c.FeedSecret = fmt.Sprintf("secret-%d", i) // secrets are random: only the slug is shared
		return s.CreateCollection(ctx(), c)
	})
	if got := codes(errs); got[""] != 1 || got[model.ECONFLICT] != 7 {
		t.Errorf("eight creates of one slug: %v", got)
	}
	c, err := s.FindCollection(ctx(), "ann", "race")
	if err != nil {
		t.Fatal(err)
	}
	errs = race(8, func(i int) error {
		// Each adds two papers of its own and one every adder adds.
		_, err := s.AddItems(ctx(), c.ID, items(ps[2*i].ID, ps[2*i+1].ID, ps[0].ID), time.Now())
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := itemIDs(t, s, c)
	if len(got) != 16 {
		t.Fatalf("%d items, want 16: %v", len(got), got)
	}
	for i := 0; i < 16; i += 2 { // each adder's pair stays together in its order
		a, b := slices.Index(got, ps[i].ID), slices.Index(got, ps[i+1].ID)
		if i > 0 && b != a+1 {
			t.Errorf("%s at %d, %s at %d: one call's items interleaved", ps[i].ID, a, ps[i+1].ID, b)
		}
	}
}

// An import keeps the file's order even for papers fetched later: their
// places wait in the pending list and are filled at their positions.
func testImportPending(t *testing.T, s store.Store) {
	mustAccount(t, s, "ann")
	p1, p3 := fixture("2503.00001", "2025-03-01", 0), fixture("2503.00003", "2025-03-01", 0)
	p1.DOI = "10.1103/PhysRevD.76.013009"
	mustUpsert(t, s, p1, p3)
	p1.Versions = []model.Version{{Version: 1, Created: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}}
	if _, err := s.UpsertArxiv(ctx(), []*model.Paper{p1}, store.Checkpoint{}); err != nil { // arXiv's metadata has the DOI
		t.Fatal(err)
	}
	c := mustCollection(t, s, collection("ann", "imported"))
	byDOI, err := s.PaperIDsByDOI(ctx(), []string{"10.1103/physrevd.76.013009", "10.1000/none"})
	if err != nil || len(byDOI) != 1 || byDOI["10.1103/physrevd.76.013009"] != "2503.00001" {
		t.Errorf("by DOI: %v %v", byDOI, err)
	}
	n, err := s.ImportItems(ctx(), c.ID, []store.ImportItem{{PaperID: "2503.00001"}, {PaperID: "2503.00002", Pending: true},
		{PaperID: "2503.00003"}, {PaperID: "2503.00404", Pending: true}}, time.Now())
	if n != 2 || err != nil {
		t.Fatalf("import: %d %v", n, err)
	}
	if pending, _ := s.CollectionPending(ctx(), c.ID); pending != 2 {
		t.Errorf("%d pending, want 2", pending)
	}
	ids, _ := s.PendingPapers(ctx(), 10)
	if !slices.Equal(ids, []string{"2503.00002", "2503.00404"}) {
		t.Errorf("pending papers %v", ids)
	}
	mustUpsert(t, s, fixture("2503.00002", "2025-03-01", 0)) // the fetch brought one
	if got, err := s.ResolvePending(ctx(), ids, 2); got != 1 || err != nil {
		t.Errorf("resolved %d, %v", got, err)
	}
	if got := itemIDs(t, s, c); !slices.Equal(got, []string{"2503.00001", "2503.00002", "2503.00003"}) {
		t.Errorf("items %v, want the file's order", got)
	}
	if _, err := s.ResolvePending(ctx(), []string{"2503.00404"}, 2); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.CollectionPending(ctx(), c.ID); pending != 0 {
		t.Errorf("a paper arXiv does not have is still pending after the last try: %d", pending)
	}
}

// Follows with exclusions; papers by an author name in a window.
func testFollows(t *testing.T, s store.Store) {
	mustAccount(t, s, "ann")
	p := fixture("2504.00001", "2025-04-01", 0)
	p.PublishedAt = time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	old := fixture("2404.00001", "2024-04-01", 0)
	old.PublishedAt = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	mustUpsert(t, s, p, old)
	at := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range [][2]string{{model.FollowAuthor, "Ada Lovelace"}, {model.FollowOrg, "acme"}, {model.FollowAuthor, "Ada Lovelace"}} {
		if err := s.Follow(ctx(), "ann", f[0], f[1], at); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ExcludeFromFollow(ctx(), "ann", "Ada Lovelace", "2504.00001", true); err != nil {
		t.Fatal(err)
	}
	fs, err := s.Follows(ctx(), "ann")
	if err != nil || len(fs) != 2 || fs[0].Kind != model.FollowAuthor || !slices.Equal(fs[0].Excluded, []string{"2504.00001"}) {
		t.Errorf("follows %+v, %v", fs, err)
	}
	if err := s.Unfollow(ctx(), "ann", model.FollowOrg, "acme"); err != nil {
		t.Fatal(err)
	}
	if err := s.Unfollow(ctx(), "ann", model.FollowOrg, "acme"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("second unfollow: %v", err)
	}
	first, err := s.UserFeed(ctx(), "ann", "secret-1", false)
	if again, _ := s.UserFeed(ctx(), "ann", "secret-2", false); err != nil || first != "secret-1" || again != "secret-1" {
		t.Errorf("feed secret %q then %q (%v)", first, again, err)
	}
	if renewed, _ := s.UserFeed(ctx(), "ann", "secret-3", true); renewed != "secret-3" {
		t.Errorf("renewed %q", renewed)
	}
	if _, err := s.UserByFeed(ctx(), "secret-1"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("revoked secret: %v", err)
	}
	if u, err := s.UserByFeed(ctx(), "secret-3"); u != "ann" || err != nil {
		t.Errorf("by feed: %q %v", u, err)
	}
	if recent, err := s.FindPapers(ctx(), store.PaperFilter{Recent: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil || len(recent) != 1 || recent[0].ID != "2504.00001" {
		t.Errorf("papers since 2025: %d %v", len(recent), err)
	}
	got, err := s.PapersByAuthor(ctx(), "ada LOVELACE", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 10)
	if err != nil || len(got) != 1 || got[0].ID != "2504.00001" {
		t.Errorf("papers by author since 2025: %d %v", len(got), err)
	}
}

// Deleting an account: its data goes in one transaction, its votes are
// withdrawn from the counts, its comments stay with no author name, its
// name stays taken.
func testDeleteAccount(t *testing.T, s store.Store) {
	mustAccount(t, s, "cy")
	mustUpsert(t, s, fixture("2505.00001", "2025-05-01", 4))
	if _, err := s.Vote(ctx(), "cy", "2505.00001"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateComment(ctx(), &model.Comment{PaperID: "2505.00001", User: "cy", Body: "hello"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx(), "sess", "cy", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	c := mustCollection(t, s, collection("cy", "mine"))
	if _, err := s.AddItems(ctx(), c.ID, items("2505.00001"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Follow(ctx(), "cy", model.FollowAuthor, "X", time.Now()); err != nil {
		t.Fatal(err)
	}
	if votes, _ := s.UserVotes(ctx(), "cy"); !slices.Equal(votes, []string{"2505.00001"}) {
		t.Errorf("votes %v", votes)
	}
	if cs, _ := s.UserComments(ctx(), "cy"); len(cs) != 1 {
		t.Errorf("comments %d", len(cs))
	}
	if err := s.DeleteAccount(ctx(), "CY"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(ctx(), "cy"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("second deletion: %v", err)
	}
	p, _ := s.FindPaperByID(ctx(), "2505.00001")
	if p.Upvotes != 4 {
		t.Errorf("upvotes %d after deletion, want 4", p.Upvotes)
	}
	if cs, _ := s.FindComments(ctx(), "2505.00001"); len(cs) != 1 || cs[0].User != "" || cs[0].Body != "hello" {
		t.Errorf("comments after deletion %+v", cs)
	}
	if _, err := s.FindSession(ctx(), "sess"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("session: %v", err)
	}
	if _, err := s.FindCollection(ctx(), "cy", "mine"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("collection: %v", err)
	}
	if fs, _ := s.Follows(ctx(), "cy"); len(fs) != 0 {
		t.Errorf("follows %v", fs)
	}
	if err := s.CreateAccount(ctx(), account("cy")); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("the name was free again: %v", err)
	}
}
