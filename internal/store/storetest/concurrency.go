package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Concurrency cases: each state change raced from many goroutines, which on
// PostgreSQL are many connections. Every one must end as if the changes
// had run one after the other.

// race runs fn(i) for i in [0, n) at once and returns the errors in order.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// codes counts the error codes of a race ("" for success).
func codes(errs []error) map[string]int {
	out := map[string]int{}
	for _, err := range errs {
		if err == nil {
			out[""]++
		} else {
			out[model.ErrorCode(err)]++
		}
	}
	return out
}

// Two decisions on one claim: one wins, the other finds it decided. Claims
// on two entries of one paper approved at once both reach its authors.
func testClaimRace(t *testing.T, s store.Store) {
	mustAccount(t, s, "ada")
	mustAccount(t, s, "alan")
	mustArxiv(t, s, arxivFixture("2601.00031", 1))
	one, err := s.CreateClaim(ctx(), &model.Claim{PaperID: "2601.00031", Position: 0, User: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	two, err := s.CreateClaim(ctx(), &model.Claim{PaperID: "2601.00031", Position: 1, User: "alan"})
	if err != nil {
		t.Fatal(err)
	}
	errs := race(6, func(i int) error {
		id := []int64{one, two}[i%2]
		return s.DecideClaim(ctx(), id, []string{model.ClaimApproved, model.ClaimApproved, model.ClaimRejected}[i/2], fmt.Sprintf("mod%d", i))
	})
	if got := codes(errs); got[""] != 2 || got[model.ENOTFOUND] != 4 {
		t.Errorf("6 decisions on 2 claims: %v, want 2 decided and 4 ENOTFOUND: %v", got, errs)
	}
	p, _ := s.FindPaperByID(ctx(), "2601.00031")
	approved := map[string]bool{}
	for _, c := range mustClaims(t, s, model.ClaimApproved) {
		approved[c.User] = true
	}
	for i, user := range []string{"ada", "alan"} {
		claimed := p.Authors[i].User != nil && p.Authors[i].User.Name == user
		if claimed != approved[user] {
			t.Errorf("author %d: claimed by %s %v, claim approved %v", i, user, claimed, approved[user])
		}
	}
}

func mustClaims(t *testing.T, s store.Store, status string) []*model.Claim {
	t.Helper()
	cs, err := s.FindClaims(ctx(), status)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A hide racing a delete of one comment takes it off the count once.
func testHideDeleteRace(t *testing.T, s store.Store) {
	mustAccount(t, s, "ada")
	mustArxiv(t, s, arxivFixture("2601.00032", 1))
	const n = 10
	var ids []int64
	for i := range n {
		id, err := s.CreateComment(ctx(), &model.Comment{PaperID: "2601.00032", User: "ada", Body: fmt.Sprintf("comment %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	errs := race(2*n, func(i int) error {
		if i%2 == 0 {
			return s.SetCommentHidden(ctx(), ids[i/2], true, "mod")
		}
		return s.DeleteComment(ctx(), ids[i/2])
	})
	for i, err := range errs {
		if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("change %d: %v", i, err)
		}
	}
	p, _ := s.FindPaperByID(ctx(), "2601.00032")
	if p.NumComments != 0 {
		t.Errorf("after hiding and deleting all %d comments at once the paper counts %d", n, p.NumComments)
	}
}

// Records of one paper from Hugging Face (authors with their accounts) and
// arXiv (affiliations, a new version) written at once: the paper ends with
// both, whichever commits first.
func testAuthorMergeRace(t *testing.T, s store.Store) {
	const n = 12
	for round := range n {
		id := fmt.Sprintf("2601.%05d", 100+round)
		hf := &model.Paper{ID: id, Title: "HF " + id, Authors: []model.Author{
			{Name: "Ada Lovelace", User: &model.User{Name: "ada-hf"}}, {Name: "Alan Turing"}}}
		v1 := arxivFixture(id, 1)
		v1.Authors = []model.Author{{Name: "Ada Lovelace", Affiliations: []string{"Engine Co."}}, {Name: "Alan Turing", Affiliations: []string{"Bletchley"}}}
		v2 := arxivFixture(id, 2)
		v2.Authors = v1.Authors
		errs := race(3, func(i int) error {
			var err error
			switch i {
			case 0:
				_, err = s.UpsertPapers(ctx(), []*model.Paper{hf})
			case 1:
				_, err = s.UpsertArxiv(ctx(), []*model.Paper{v1}, store.Checkpoint{})
			default:
				_, err = s.UpsertArxiv(ctx(), []*model.Paper{v2}, store.Checkpoint{})
			}
			return err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		p, err := s.FindPaperByID(ctx(), id)
		if err != nil {
			t.Fatal(err)
		}
		a := p.Authors
		if len(a) != 2 || a[0].User == nil || a[0].User.Name != "ada-hf" || !slices.Equal(a[0].Affiliations, []string{"Engine Co."}) ||
			!slices.Equal(a[1].Affiliations, []string{"Bletchley"}) {
			t.Errorf("round %d: authors %+v, want Hugging Face's with arXiv's affiliations", round, a)
		}
		if len(p.Versions) != 2 {
			t.Errorf("round %d: versions %+v, want v1 and v2", round, p.Versions)
		}
	}
}

// Sign-ups for one name in any case: one account, the rest a conflict.
func testSignupRace(t *testing.T, s store.Store) {
	errs := race(8, func(i int) error {
		a := account([]string{"Zoe", "zoe", "ZOE", "zOe"}[i%4])
		a.Email = fmt.Sprintf("zoe%d@example.org", i)
		return s.CreateAccount(ctx(), a)
	})
	if got := codes(errs); got[""] != 1 || got[model.ECONFLICT] != 7 {
		t.Errorf("8 sign-ups for one name: %v, want 1 created and 7 ECONFLICT: %v", got, errs)
	}
}

// Submissions of one member raced past the daily cap: exactly the cap lands.
func testCapRace(t *testing.T, s store.Store) {
	mustAccount(t, s, "ada")
	const n, limit = 8, 3
	var ps []*model.Paper
	for i := range n {
		ps = append(ps, arxivFixture(fmt.Sprintf("2601.%05d", 200+i), 1))
	}
	mustArxiv(t, s, ps...)
	now := time.Now()
	errs := race(n, func(i int) error {
		return s.SubmitPaper(ctx(), store.Submission{PaperID: ps[i].ID, User: "ada", Day: model.DateOf(now), Cap: limit, Since: now.Add(-24 * time.Hour)})
	})
	if got := codes(errs); got[""] != limit || got[model.ELIMIT] != n-limit {
		t.Errorf("%d submissions at once with a cap of %d: %v: %v", n, limit, got, errs)
	}
	for _, err := range errs {
		if err != nil && !strings.Contains(err.Error(), "most allowed") {
			t.Errorf("cap error: %v", err)
		}
	}
	count, err := s.CountSubmissions(ctx(), "ada", now.Add(-24*time.Hour))
	if err != nil || count != limit {
		t.Errorf("stored submissions %d (%v), want %d", count, err, limit)
	}
}

// Replicas asking for one instance key at once all get the same one.
func testInstanceKeyRace(t *testing.T, s store.Store) {
	got := make([]string, 6)
	errs := race(6, func(i int) error {
		var err error
		got[i], err = s.InstanceKey(ctx(), "signing", fmt.Sprintf("key-of-replica-%d", i))
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		if got[i] != got[0] || !strings.HasPrefix(got[0], "key-of-replica-") {
			t.Errorf("replica %d got %q, replica 0 %q", i, got[i], got[0])
		}
	}
	if again, _ := s.InstanceKey(ctx(), "signing", "later"); again != got[0] {
		t.Errorf("a later call made a new key %q", again)
	}
}

// One lease, many replicas: one holds it at a time; it renews; it passes
// on when released or expired.
func testLeases(t *testing.T, s store.Store) {
	held := make([]bool, 8)
	errs := race(8, func(i int) error {
		var err error
		held[i], err = s.AcquireLease(ctx(), "harvest", fmt.Sprintf("r%d", i), time.Minute)
		return err
	})
	holder := -1
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		if held[i] {
			if holder >= 0 {
				t.Fatalf("replicas %d and %d both hold the lease", holder, i)
			}
			holder = i
		}
	}
	if holder < 0 {
		t.Fatal("nobody got the lease")
	}
	me, other := fmt.Sprintf("r%d", holder), fmt.Sprintf("r%d", (holder+1)%8)
	if ok, err := s.AcquireLease(ctx(), "harvest", me, 30*time.Millisecond); !ok || err != nil {
		t.Errorf("renewal by the holder: %v %v", ok, err)
	}
	if ok, _ := s.AcquireLease(ctx(), "other-job", other, time.Minute); !ok {
		t.Error("a lease on another job was refused")
	}
	time.Sleep(60 * time.Millisecond)
	if ok, err := s.AcquireLease(ctx(), "harvest", other, time.Minute); !ok || err != nil {
		t.Errorf("an expired lease did not pass on: %v %v", ok, err)
	}
	if err := s.ReleaseLease(ctx(), "harvest", me, time.Now()); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.AcquireLease(ctx(), "harvest", me, time.Minute); ok {
		t.Error("a release by a former holder freed the new holder's lease")
	}
	if done, _ := s.LeaseDone(ctx(), "harvest"); !done.IsZero() {
		t.Errorf("a former holder's release recorded a run: %s", done)
	}
	due := time.UnixMilli(time.Now().UnixMilli()).UTC()
	if err := s.ReleaseLease(ctx(), "harvest", other, due); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.AcquireLease(ctx(), "harvest", me, time.Minute); !ok {
		t.Error("a released lease was not free")
	}
	if done, err := s.LeaseDone(ctx(), "harvest"); !done.Equal(due) || err != nil {
		t.Errorf("done until %s (%v), want %s", done, err, due)
	}
	if err := s.ReleaseLease(ctx(), "harvest", me, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if done, _ := s.LeaseDone(ctx(), "harvest"); !done.Equal(due) {
		t.Errorf("a failed run's release moved done to %s", done)
	}
}

// Many writers commit papers at once while a follower reads the feed and
// moves its cursor as far as each read goes: at the end it has seen every
// paper. A feed ordered by a stamp taken before commit would let a
// follower pass a transaction that commits late, and lose its papers.
func testChangeFeedConcurrent(t *testing.T, s store.Store) {
	const writers, each = 6, 25
	stop := make(chan struct{})
	seen := map[string]bool{}
	var cursor store.ChangeCursor
	follow := func() error {
		cs, err := s.PaperChanges(ctx(), cursor, 1000)
		for _, c := range cs {
			seen[c.Paper.ID] = true
			cursor = c.At
		}
		return err
	}
	followed := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				followed <- follow()
				return
			default:
				if err := follow(); err != nil {
					followed <- err
					return
				}
			}
		}
	}()
	errs := race(writers, func(w int) error {
		for i := range each {
			p := fixture(fmt.Sprintf("2507.%02d%03d", w, i), "2025-07-01", 1)
			// Two papers a transaction, one shared by neighbours, so that
			// transactions overlap and commit out of their start order.
			q := fixture(fmt.Sprintf("2507.%02d%03d", (w+1)%writers, i), "2025-07-01", 1)
			if _, err := s.UpsertPapers(ctx(), []*model.Paper{p, q}); err != nil {
				return err
			}
		}
		return nil
	})
	close(stop)
	if err := <-followed; err != nil {
		t.Fatal(err)
	}
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := follow(); err != nil { // everything has committed: catch up
		t.Fatal(err)
	}
	if len(seen) != writers*each {
		t.Errorf("the follower saw %d of %d papers", len(seen), writers*each)
	}
}

// A shared bucket under a race gives out exactly its burst; an empty one
// says how long until the next token; it refills; keys are separate.
func testRateLimitRace(t *testing.T, s store.Store) {
	const burst = 5
	waits := make([]time.Duration, 20)
	errs := race(len(waits), func(i int) error {
		var err error
		waits[i], err = s.TakeToken(ctx(), "vote|ip:192.0.2.1", burst, time.Hour)
		return err
	})
	taken := 0
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		switch w := waits[i]; {
		case w == 0:
			taken++
		case w < 59*time.Minute || w > time.Hour:
			t.Errorf("an empty bucket says wait %s, want about an hour", w)
		}
	}
	if taken != burst {
		t.Errorf("%d tokens taken from a bucket of %d", taken, burst)
	}
	if w, err := s.TakeToken(ctx(), "vote|ip:192.0.2.2", burst, time.Hour); w != 0 || err != nil {
		t.Errorf("another key's bucket: wait %s, %v", w, err)
	}
	if w, _ := s.TakeToken(ctx(), "fast", 1, 40*time.Millisecond); w != 0 {
		t.Fatalf("first token of a fresh bucket: wait %s", w)
	}
	if w, _ := s.TakeToken(ctx(), "fast", 1, 40*time.Millisecond); w == 0 {
		t.Error("a second token within the interval was given")
	}
	time.Sleep(60 * time.Millisecond)
	if w, _ := s.TakeToken(ctx(), "fast", 1, 40*time.Millisecond); w != 0 {
		t.Errorf("the bucket did not refill: wait %s", w)
	}
}
