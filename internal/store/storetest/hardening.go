package storetest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Account names are one namespace whatever their case, also under a race.
func testAccountNamesIgnoreCase(t *testing.T, s store.Store) {
	mustAccount(t, s, "alice")
	upper := account("ALICE")
	upper.Email = "other@example.org"
	if err := s.CreateAccount(ctx(), upper); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("ALICE beside alice: %v, want a conflict", err)
	}
	if a, err := s.FindAccount(ctx(), "Alice"); err != nil || a.Name != "alice" {
		t.Errorf("find Alice: %+v %v", a, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a := account([]string{"carol", "Carol", "CAROL", "caroL"}[i%4])
			a.Email = "carol" + string(rune('a'+i)) + "@example.org"
			errs[i] = s.CreateAccount(ctx(), a)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch model.ErrorCode(err) {
		case "":
			ok++
		case model.ECONFLICT:
		default:
			t.Errorf("racing sign-up: %v (want a conflict, never driver text)", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of 8 racing sign-ups for one name succeeded, want 1", ok)
	}
}

// Re-subscribing a confirmed address changes nothing until it confirms.
func testSubscriptionChangeWaits(t *testing.T, s store.Store) {
	mustAccount(t, s, "mallory")
	sub, err := s.CreateSubscription(ctx(), &model.Subscription{Email: "victim@example.org", Frequency: model.Daily})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSubscriptionStatus(ctx(), sub.ID, model.SubActive); err != nil {
		t.Fatal(err)
	}
	again, err := s.CreateSubscription(ctx(), &model.Subscription{Email: "Victim@example.org", Frequency: model.Weekly, User: "mallory"})
	if err != nil {
		t.Fatal(err)
	}
	if again.Frequency != model.Daily || again.User != "" || again.Status != model.SubActive ||
		again.PendingFrequency != model.Weekly || again.PendingUser != "mallory" {
		t.Fatalf("an unconfirmed request changed an active subscription: %+v", again)
	}
	daily, _ := s.ActiveSubscriptions(ctx(), model.Daily, 0, 10)
	if len(daily) != 1 {
		t.Errorf("the victim's daily digest stopped: %+v", daily)
	}
	// The address confirms: now the change applies.
	if err := s.SetSubscriptionStatus(ctx(), sub.ID, model.SubActive); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FindSubscription(ctx(), sub.ID)
	if got.Frequency != model.Weekly || got.User != "mallory" || got.PendingFrequency != "" {
		t.Errorf("after confirmation: %+v", got)
	}
}

// Of many senders claiming one digest, one gets it; a dead sender's claim
// is taken over after its lease; a sent digest is never claimed again.
func testDigestClaims(t *testing.T, s store.Store) {
	sub, err := s.CreateSubscription(ctx(), &model.Subscription{Email: "reader@example.org", Frequency: model.Daily})
	if err != nil {
		t.Fatal(err)
	}
	claim := func(lease time.Duration) (bool, *store.DigestSend) {
		d := &store.DigestSend{SubscriptionID: sub.ID, Period: "daily:2026-11-30", MessageID: "<m@q>", LeaseUntil: time.Now().Add(lease)}
		ok, err := s.ClaimDigestSend(ctx(), d)
		if err != nil {
			t.Fatal(err)
		}
		return ok, d
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := claim(time.Hour); ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d of 8 racing senders claimed one digest, want 1", won)
	}
	// A claim whose lease ran out (its sender died) is taken over.
	_ = s.SaveDigestSend(ctx(), &store.DigestSend{SubscriptionID: sub.ID, Period: "daily:2026-11-30", Status: store.SendSending,
		MessageID: "<m@q>", Attempts: 1, LeaseUntil: time.Now().Add(-time.Second)})
	ok, d := claim(time.Hour)
	if !ok || d.Attempts != 2 {
		t.Errorf("take-over of an expired claim: %v, attempts %d", ok, d.Attempts)
	}
	d.Status = store.SendSent
	if err := s.SaveDigestSend(ctx(), d); err != nil {
		t.Fatal(err)
	}
	if ok, _ := claim(-time.Hour); ok {
		t.Error("a sent digest was claimed again")
	}
}

// A saved search's feed is found by its secret only.
func testSavedSearchFeeds(t *testing.T, s store.Store) {
	mustAccount(t, s, "ann")
	id, err := s.CreateSavedSearch(ctx(), "ann", "diffusion", "secret-a")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.CreateSavedSearch(ctx(), "ann", "diffusion", "secret-b"); again != id {
		t.Error("saving again made another search")
	}
	got, err := s.FindSavedSearchByFeed(ctx(), "secret-a")
	if err != nil || got.ID != id || got.Query != "diffusion" {
		t.Errorf("by feed secret: %+v %v (saving again must keep the first secret)", got, err)
	}
	for _, bad := range []string{"", "secret-b", "1"} {
		if _, err := s.FindSavedSearchByFeed(ctx(), bad); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("feed %q: %v", bad, err)
		}
	}
}

// A paper's listing day is set by the first arXiv record and kept; lists
// filter by it and by category or whole archive.
func testListingDays(t *testing.T, s store.Store) {
	day := model.MustDate("2026-10-14")
	mk := func(id string, listed model.Date, cats ...string) *model.Paper {
		return &model.Paper{ID: id, Title: "Paper " + id, Categories: cats, ListingDay: listed,
			Versions: []model.Version{{Version: 1, Created: time.Date(2026, 10, 13, 12, 0, 0, 0, time.UTC)}}}
	}
	if _, err := s.UpsertArxiv(ctx(), []*model.Paper{mk("2610.00001", day, "cs.LG", "stat.ML"), mk("2610.00002", day, "stat.ML", "cs.LG"),
		mk("2610.00003", day, "hep-th"), mk("2610.00004", day.AddDays(1), "cs.CV"), mk("2610.00005", day.AddDays(-2), "cs.CL")}, store.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	// A later record (a metadata update) does not move it.
	if _, err := s.UpsertArxiv(ctx(), []*model.Paper{mk("2610.00001", day.AddDays(20), "cs.LG", "stat.ML")}, store.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	ids := func(f store.PaperFilter) string {
		f.Sort = store.SortArxiv
		ps, err := s.FindPapers(ctx(), f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.ID[len(p.ID)-1:])
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		cats []string
		want string
	}{{nil, "1,2,3"}, {[]string{"cs.LG"}, "1,2"}, {[]string{"cs"}, "1,2"}, {[]string{"hep-th"}, "3"}, {[]string{"stat", "hep-th"}, "1,2,3"}, {[]string{"math"}, ""}} {
		if got := ids(store.PaperFilter{Listed: day, Categories: tc.cats}); got != tc.want {
			t.Errorf("listed %s in %v: %s, want %s", day, tc.cats, got, tc.want)
		}
	}
	// A brief read is the same list with the card's fields only.
	full, _ := s.FindPapers(ctx(), store.PaperFilter{Listed: day, Sort: store.SortArxiv})
	brief, err := s.FindPapers(ctx(), store.PaperFilter{Listed: day, Sort: store.SortArxiv, Brief: true})
	if err != nil || len(brief) != len(full) {
		t.Fatalf("brief: %d papers, %v; want %d", len(brief), err, len(full))
	}
	for i, b := range brief {
		f := full[i]
		if b.ID != f.ID || b.Title != f.Title || b.ListingDay != f.ListingDay || strings.Join(b.Categories, " ") != strings.Join(f.Categories, " ") {
			t.Errorf("brief %d: %+v, full %+v", i, b, f)
		}
		if len(f.Versions) == 0 || len(b.Versions) != 0 || b.Summary != "" {
			t.Errorf("brief %s kept long fields (versions %d, summary %q) or full lost its versions (%d)", b.ID, len(b.Versions), b.Summary, len(f.Versions))
		}
	}
	prev, next, err := s.ListingDays(ctx(), day, []string{"cs"})
	if err != nil || prev != day.AddDays(-2) || next != day.AddDays(1) {
		t.Errorf("days around: %s %s %v", prev, next, err)
	}
	if _, next, _ := s.ListingDays(ctx(), day, []string{"hep-th"}); !next.IsZero() {
		t.Errorf("next hep-th day: %s", next)
	}
	if latest, err := s.LatestListingDay(ctx(), []string{"cs.CL"}); err != nil || latest != day.AddDays(-2) {
		t.Errorf("latest cs.CL day: %s %v", latest, err)
	}
	p, _ := s.FindPaperByID(ctx(), "2610.00002")
	if p.ListingDay != day {
		t.Errorf("read back listing day %s", p.ListingDay)
	}
	// Papers stored without one are filled in from their v1 time.
	old := mk("2610.00009", model.Date{}, "cs.LG")
	old.PublishedAt = time.Date(2026, 10, 13, 12, 0, 0, 0, time.UTC)
	if _, err := s.UpsertArxiv(ctx(), []*model.Paper{old}, store.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	n, err := s.BackfillListingDays(ctx(), func(time.Time) model.Date { return day })
	if err != nil || n != 1 {
		t.Fatalf("backfill: %d %v", n, err)
	}
	if got := ids(store.PaperFilter{Listed: day, Categories: []string{"cs.LG"}}); got != "1,2,9" {
		t.Errorf("after backfill: %s", got)
	}
}

// Two submissions of one paper at once: exactly one lands, the other is a
// conflict.
func testSubmitRace(t *testing.T, s store.Store) {
	mustAccount(t, s, "ann")
	mustAccount(t, s, "bob")
	if _, err := s.UpsertArxiv(ctx(), []*model.Paper{{ID: "2611.00021", Title: "Raced"}}, store.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			errs <- s.SubmitPaper(ctx(), store.Submission{PaperID: "2611.00021", User: []string{"ann", "bob"}[i%2], Day: model.MustDate("2026-11-30")})
		}()
	}
	ok := 0
	for i := 0; i < 8; i++ {
		switch err := <-errs; model.ErrorCode(err) {
		case "":
			ok++
		case model.ECONFLICT:
		default:
			t.Errorf("racing submit: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of 8 racing submissions landed, want 1", ok)
	}
	if err := s.SubmitPaper(ctx(), store.Submission{PaperID: "2611.99999", User: "ann", Day: model.MustDate("2026-11-30")}); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("submit of an unknown paper: %v", err)
	}
}
