package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

func testUpsertRoundTrip(t *testing.T, s store.Store) {
	want := fixture("2502.00001", "2025-03-03", 7)
	res := mustUpsert(t, s, want)
	eq(t, "inserted", res.Inserted, 1)
	got, err := s.FindPaperByID(ctx(), want.ID)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "title", got.Title, want.Title)
	eq(t, "summary", got.Summary, want.Summary)
	eq(t, "publishedAt", got.PublishedAt, want.PublishedAt)
	eq(t, "upvotes", got.Upvotes, 7)
	eq(t, "numComments", got.NumComments, 2)
	eq(t, "discussion", got.DiscussionID, want.DiscussionID)
	eq(t, "repo", got.GithubRepo, want.GithubRepo)
	eq(t, "addedBy", got.GithubRepoAddedBy, "user")
	if got.GithubStars == nil || *got.GithubStars != 0 {
		t.Errorf("stars = %v, want known 0", got.GithubStars)
	}
	eq(t, "projectPage", got.ProjectPage, want.ProjectPage)
	eq(t, "aiSummary", got.AISummary, want.AISummary)
	eq(t, "aiModel", got.AISummaryModel, want.AISummaryModel)
	eq(t, "keywords", str(got.AIKeywords), str(want.AIKeywords))
	eq(t, "media", str(got.MediaURLs), str(want.MediaURLs))
	eq(t, "thumbnail", got.Thumbnail, want.Thumbnail)
	if got.Organization == nil || got.Organization.Fullname != "ACME Research" || len(got.Organization.ObjectID) != 24 {
		t.Errorf("organization = %+v", got.Organization)
	}
	if got.Daily == nil {
		t.Fatal("daily submission lost")
	}
	eq(t, "day", got.Daily.Day.String(), "2025-03-03")
	eq(t, "submittedAt", got.Daily.SubmittedAt, want.Daily.SubmittedAt)
	eq(t, "onDailyAt", got.Daily.OnDailyAt, want.Daily.OnDailyAt)
	eq(t, "participating", got.Daily.IsAuthorParticipating, true)
	if u := got.Daily.SubmittedBy; u == nil || u.Name != "akhaliq" || !u.IsPro || u.Fullname != "AK" {
		t.Errorf("submittedBy = %+v", got.Daily.SubmittedBy)
	}
	if len(got.Authors) != 3 {
		t.Fatalf("authors = %d, want 3", len(got.Authors))
	}
	for i, name := range []string{"Ada Lovelace", "Hidden Person", "Alan Turing"} {
		eq(t, "author order", got.Authors[i].Name, name)
		if len(got.Authors[i].ObjectID) != 24 {
			t.Errorf("author %d object id %q", i, got.Authors[i].ObjectID)
		}
	}
	eq(t, "given author id kept", got.Authors[0].ObjectID, want.Authors[0].ObjectID)
	a := got.Authors[1]
	if !a.Hidden || a.Status != "claimed_verified" || a.StatusLastChangedAt == nil ||
		!a.StatusLastChangedAt.Equal(*want.Authors[1].StatusLastChangedAt) || a.User == nil || a.User.Name != "hidden" {
		t.Errorf("author 1 = %+v", a)
	}
	if got.UpdatedAt.IsZero() {
		t.Error("updatedAt not set")
	}
}

func testUpsertIdempotent(t *testing.T, s store.Store) {
	p := fixture("2502.00002", "2025-03-03", 3)
	mustUpsert(t, s, p)
	p.Upvotes, p.NumComments = 9, 4
	res := mustUpsert(t, s, p)
	eq(t, "inserted", res.Inserted, 0)
	eq(t, "updated", res.Updated, 1)
	n, err := s.CountPapers(ctx(), store.PaperFilter{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "count", n, 1)
	got, _ := s.FindPaperByID(ctx(), p.ID)
	eq(t, "upvotes take the newer value", got.Upvotes, 9)
	eq(t, "comments take the newer value", got.NumComments, 4)
	eq(t, "authors not duplicated", len(got.Authors), 3)
}

func testUpsertKeepsRicherFields(t *testing.T, s store.Store) {
	rich := fixture("2502.00003", "2025-03-04", 5)
	mustUpsert(t, s, rich)
	poor := &model.Paper{ID: rich.ID, Title: "Paper 2502.00003 (v2)", Upvotes: 5,
		Daily: &model.Submission{Day: model.MustDate("2025-04-01"), SubmittedAt: time.Now()}}
	mustUpsert(t, s, poor)
	got, _ := s.FindPaperByID(ctx(), rich.ID)
	eq(t, "title updated", got.Title, poor.Title)
	eq(t, "summary kept", got.Summary, rich.Summary)
	eq(t, "repo kept", got.GithubRepo, rich.GithubRepo)
	eq(t, "org kept", got.Organization != nil, true)
	eq(t, "keywords kept", len(got.AIKeywords), 2)
	eq(t, "authors kept", len(got.Authors), 3)
	eq(t, "submitted once: day kept", got.Daily.Day.String(), "2025-03-04")
	eq(t, "stars kept", got.GithubStars != nil, true)
}

func testUpsertAtomic(t *testing.T, s store.Store) {
	good := fixture("2502.00004", "2025-03-03", 1)
	bad := &model.Paper{ID: "2502.00005"} // no title
	if _, err := s.UpsertPapers(ctx(), []*model.Paper{good, bad}); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	n, _ := s.CountPapers(ctx(), store.PaperFilter{})
	eq(t, "nothing written", n, 0)
}

func testFindPaperNotFound(t *testing.T, s store.Store) {
	_, err := s.FindPaperByID(ctx(), "9999.99999")
	eq(t, "code", model.ErrorCode(err), model.ENOTFOUND)
}

func testFindPapersFiltersAndSorts(t *testing.T, s store.Store) {
	a := fixture("2503.00001", "2025-03-03", 5)
	b := fixture("2503.00002", "2025-03-03", 9)
	c := fixture("2503.00003", "2025-03-04", 1)
	c.Organization = nil
	c.Daily.SubmittedBy = &model.User{Name: "someone"}
	d := fixture("2503.00004", "2025-03-10", 5)
	d.Daily.SubmittedAt = a.Daily.SubmittedAt.Add(time.Minute) // tie on upvotes with a, newer
	off := &model.Paper{ID: "2503.00005", Title: "Not on daily", PublishedAt: time.Now().UTC()}
	mustUpsert(t, s, a, b, c, d, off)

	day := model.DayPeriod(model.MustDate("2025-03-03"))
	eq(t, "day by upvotes", ids(mustFind(t, s, store.PaperFilter{From: day.Start, To: day.End, Sort: store.SortUpvotes})),
		"2503.00002,2503.00001")
	week := model.WeekPeriod(model.MustDate("2025-03-05"))
	eq(t, "week", ids(mustFind(t, s, store.PaperFilter{From: week.Start, To: week.End, Sort: store.SortUpvotes})),
		"2503.00002,2503.00001,2503.00003")
	eq(t, "all by upvotes, ties newest first", ids(mustFind(t, s, store.PaperFilter{OnDaily: true, Sort: store.SortUpvotes})),
		"2503.00002,2503.00004,2503.00001,2503.00003")
	eq(t, "submitter", ids(mustFind(t, s, store.PaperFilter{Submitter: "someone"})), "2503.00003")
	eq(t, "organization", ids(mustFind(t, s, store.PaperFilter{Organization: "acme", Sort: store.SortUpvotes})),
		"2503.00002,2503.00004,2503.00001")
	eq(t, "ids", ids(mustFind(t, s, store.PaperFilter{IDs: []string{"2503.00005", "2503.00003"}, Sort: store.SortPublished})),
		"2503.00005,2503.00003")
	page := mustFind(t, s, store.PaperFilter{OnDaily: true, Sort: store.SortUpvotes, Offset: 1, Limit: 2})
	eq(t, "page", ids(page), "2503.00004,2503.00001")
	eq(t, "past the end", len(mustFind(t, s, store.PaperFilter{OnDaily: true, Offset: 10})), 0)
	n, err := s.CountPapers(ctx(), store.PaperFilter{OnDaily: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "count ignores limit", n, 4)
	if got := mustFind(t, s, store.PaperFilter{IDs: []string{"2503.00001"}}); len(got[0].Authors) != 3 {
		t.Errorf("authors not loaded in lists")
	}
}

func testDailyDays(t *testing.T, s store.Store) {
	if _, err := s.LatestDailyDay(ctx()); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("empty store: err = %v, want ENOTFOUND", err)
	}
	mustUpsert(t, s, fixture("2504.00001", "2025-03-07", 1), fixture("2504.00002", "2025-03-10", 1),
		fixture("2504.00003", "2025-03-11", 1))
	latest, err := s.LatestDailyDay(ctx())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "latest", latest.String(), "2025-03-11")
	prev, next, err := s.DailyDays(ctx(), model.MustDate("2025-03-08")) // a Saturday
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "prev", prev.String(), "2025-03-07")
	eq(t, "next", next.String(), "2025-03-10")
	prev, next, _ = s.DailyDays(ctx(), model.MustDate("2025-03-11"))
	eq(t, "prev of last", prev.String(), "2025-03-10")
	eq(t, "no next", next.IsZero(), true)
}

func testPaperChanges(t *testing.T, s store.Store) {
	mustUpsert(t, s, fixture("2505.00001", "2025-03-03", 1), fixture("2505.00002", "2025-03-03", 1))
	all := changes(t, s, store.ChangeCursor{}, 10)
	eq(t, "from the start", changeIDs(all), "2505.00001,2505.00002")
	eq(t, "limit", changeIDs(changes(t, s, store.ChangeCursor{}, 1)), "2505.00001")
	at := all[len(all)-1].At
	eq(t, "caught up", len(changes(t, s, at, 10)), 0)
	// A new paper and a change to an old one come after the cursor, the
	// changed paper as it is now.
	mustUpsert(t, s, fixture("2505.00003", "2025-03-03", 1))
	if err := s.SetPaperHidden(ctx(), "2505.00001", true); err != nil {
		t.Fatal(err)
	}
	next := changes(t, s, at, 10)
	got := map[string]*model.Paper{}
	for _, c := range next {
		got[c.Paper.ID] = c.Paper
	}
	if len(next) != 2 || got["2505.00003"] == nil || got["2505.00001"] == nil || !got["2505.00001"].Hidden {
		t.Errorf("after the cursor: %s, want 2505.00003 and 2505.00001 (hidden, as it is now)", changeIDs(next))
	}
	id, err := s.ChangeFeedID(ctx())
	again, _ := s.ChangeFeedID(ctx())
	if err != nil || id == "" || id != again {
		t.Errorf("feed id %q then %q (%v)", id, again, err)
	}
}

func changes(t *testing.T, s store.Store, after store.ChangeCursor, limit int) []store.PaperChange {
	t.Helper()
	cs, err := s.PaperChanges(ctx(), after, limit)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func changeIDs(cs []store.PaperChange) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Paper.ID)
	}
	return strings.Join(out, ",")
}

// clock sets the store's clock when the backend exposes one.
func clock(s store.Store, t time.Time) {
	if c, ok := s.(interface{ SetNow(func() time.Time) }); ok {
		c.SetNow(func() time.Time { return t })
	}
}

func testOrganizations(t *testing.T, s store.Store) {
	a := fixture("2506.00001", "2025-03-03", 1)
	b := fixture("2506.00002", "2025-03-03", 1)
	c := fixture("2506.00003", "2025-03-03", 1)
	c.Organization = &model.Organization{Name: "other", ObjectID: "0123456789abcdef01234567"}
	mustUpsert(t, s, a, b, c)
	o, err := s.FindOrganizationByName(ctx(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "numPapers", o.NumPapers, 2)
	eq(t, "fullname", o.Fullname, "ACME Research")
	all, err := s.FindOrganizations(ctx())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range all {
		names = append(names, o.Name)
	}
	if !reflect.DeepEqual(names, []string{"acme", "other"}) {
		t.Errorf("organizations = %v", names)
	}
	eq(t, "given object id kept", all[1].ObjectID, "0123456789abcdef01234567")
	_, err = s.FindOrganizationByName(ctx(), "nope")
	eq(t, "not found", model.ErrorCode(err), model.ENOTFOUND)
}

func testVersion(t *testing.T, s store.Store) {
	v1, err := s.Version(ctx())
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := s.Version(ctx())
	eq(t, "stable without writes", v2, v1)
	mustUpsert(t, s, fixture("2507.00001", "2025-03-03", 1))
	v3, err := s.Version(ctx())
	if err != nil {
		t.Fatal(err)
	}
	if v3 == v1 {
		t.Error("version did not change after a write")
	}
}
