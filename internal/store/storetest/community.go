package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

func account(name string) *model.Account {
	return &model.Account{Name: name, Email: name + "@example.org", PasswordHash: "hash-" + name, Role: model.RoleMember,
		CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func mustAccount(t *testing.T, s store.Store, name string) {
	t.Helper()
	if err := s.CreateAccount(ctx(), account(name)); err != nil {
		t.Fatal(err)
	}
}

func testAccounts(t *testing.T, s store.Store) {
	mustAccount(t, s, "ada")
	if err := s.CreateAccount(ctx(), account("ada")); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("duplicate name: %v", err)
	}
	dup := account("bob")
	dup.Email = "ADA@example.org"
	if err := s.CreateAccount(ctx(), dup); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("duplicate e-mail (other case): %v", err)
	}
	mustUpsert(t, s, fixture("2601.00001", "2026-01-05", 1)) // imports user akhaliq without a password
	if _, err := s.FindAccount(ctx(), "akhaliq"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("an imported user is not an account: %v", err)
	}
	a, err := s.FindAccountByEmail(ctx(), "Ada@Example.org")
	if err != nil || a.Name != "ada" || a.Role != model.RoleMember || a.Suspended() {
		t.Fatalf("find by e-mail: %+v %v", a, err)
	}
	a.Role, a.PasswordHash, a.SuspendedAt = model.RoleModerator, "new-hash", time.Now()
	if err := s.UpdateAccount(ctx(), a); err != nil {
		t.Fatal(err)
	}
	a, _ = s.FindAccount(ctx(), "ada")
	if a.Role != model.RoleModerator || a.PasswordHash != "new-hash" || !a.Suspended() {
		t.Errorf("updated account = %+v", a)
	}
}

func testSessionsAndTokens(t *testing.T, s store.Store) {
	mustAccount(t, s, "ada")
	if err := s.CreateSession(ctx(), "live", "ada", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	_ = s.CreateSession(ctx(), "old", "ada", time.Now().Add(-time.Hour))
	if sess, err := s.FindSession(ctx(), "live"); err != nil || sess.User != "ada" {
		t.Errorf("live session: %+v %v", sess, err)
	}
	if _, err := s.FindSession(ctx(), "old"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("expired session found: %v", err)
	}
	_ = s.DeleteSessions(ctx(), "ada")
	if _, err := s.FindSession(ctx(), "live"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("session survived DeleteSessions: %v", err)
	}
	id, err := s.CreateAPIToken(ctx(), "ada", "laptop", "tokhash")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := s.FindAPIToken(ctx(), "tokhash"); err != nil || u != "ada" {
		t.Errorf("token owner %q %v", u, err)
	}
	mustAccount(t, s, "eve")
	if err := s.DeleteAPIToken(ctx(), "eve", id); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("another user revoked the token: %v", err)
	}
	toks, _ := s.ListAPITokens(ctx(), "ada")
	eq(t, "tokens", len(toks), 1)
	if err := s.DeleteAPIToken(ctx(), "ada", id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindAPIToken(ctx(), "tokhash"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("revoked token still works: %v", err)
	}
}

func testVotes(t *testing.T, s store.Store) {
	mustAccount(t, s, "ada")
	mustUpsert(t, s, fixture("2601.00002", "2026-01-05", 10))
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Vote(ctx(), "ada", "2601.00002"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	p, _ := s.FindPaperByID(ctx(), "2601.00002")
	eq(t, "50 racing votes count once on top of the imported 10", p.Upvotes, 11)
	voted, _ := s.Voted(ctx(), "ada", []string{"2601.00002", "x"})
	eq(t, "voted", voted["2601.00002"], true)
	if r, _ := s.Unvote(ctx(), "ada", "2601.00002"); !r.Changed || r.Upvotes != 10 || !r.OnDaily || r.Hidden {
		t.Errorf("unvote: %+v, want changed, 10 upvotes, on the daily list", r)
	}
	if r, _ := s.Unvote(ctx(), "ada", "2601.00002"); r.Changed || r.Upvotes != 10 {
		t.Errorf("second unvote: %+v", r)
	}
	p, _ = s.FindPaperByID(ctx(), "2601.00002")
	eq(t, "after unvote", p.Upvotes, 10)
	if _, err := s.Vote(ctx(), "ada", "9999.99999"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("vote on unknown paper: %v", err)
	}
	if r, err := s.Vote(ctx(), "ada", "2601.00002"); err != nil || !r.Changed || r.Upvotes != 11 {
		t.Errorf("vote: %+v %v", r, err)
	}
	if r, _ := s.Vote(ctx(), "ada", "2601.00002"); r.Changed || r.Upvotes != 11 {
		t.Errorf("a second vote: %+v", r)
	}
	imported := fixture("2601.00002", "2026-01-05", 12) // a re-import moves the base, not the votes
	mustUpsert(t, s, imported)
	p, _ = s.FindPaperByID(ctx(), "2601.00002")
	eq(t, "re-import keeps votes", p.Upvotes, 13)
	since, _ := s.VotesSince(ctx(), time.Now().Add(-time.Hour))
	// One local vote, and the re-import's growth of Hugging Face's count
	// (10 → 12) as two upvotes at the time of that sync.
	eq(t, "votes since", len(since["2601.00002"]), 3)
	mustUpsert(t, s, fixture("2601.00002", "2026-01-05", 11)) // a lower count records nothing
	since, _ = s.VotesSince(ctx(), time.Now().Add(-time.Hour))
	eq(t, "votes since after a lower count", len(since["2601.00002"]), 3)
}

func testComments(t *testing.T, s store.Store) {
	mustAccount(t, s, "ada")
	mustUpsert(t, s, fixture("2601.00003", "2026-01-05", 1)) // 2 imported comments
	id, err := s.CreateComment(ctx(), &model.Comment{PaperID: "2601.00003", User: "ada", Body: "**Nice**"})
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := s.CreateComment(ctx(), &model.Comment{PaperID: "2601.00003", User: "ada", ParentID: id, Body: "reply"})
	count := func() int { p, _ := s.FindPaperByID(ctx(), "2601.00003"); return p.NumComments }
	eq(t, "count", count(), 4)
	_ = s.SetCommentHidden(ctx(), reply, true, "mod")
	_ = s.SetCommentHidden(ctx(), reply, true, "mod") // twice: counted once
	eq(t, "hidden", count(), 3)
	_ = s.SetCommentHidden(ctx(), reply, false, "mod")
	eq(t, "unhidden", count(), 4)
	if err := s.UpdateComment(ctx(), id, "edited"); err != nil {
		t.Fatal(err)
	}
	_ = s.DeleteComment(ctx(), id)
	eq(t, "deleted", count(), 3)
	cs, _ := s.FindComments(ctx(), "2601.00003")
	if len(cs) != 2 || cs[0].Body != "edited" || cs[0].EditedAt.IsZero() || cs[0].Visible() || cs[1].ParentID != id {
		t.Errorf("comments = %+v %+v", cs[0], cs[1])
	}
	if err := s.UpdateComment(ctx(), id, "after delete"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("edit of a deleted comment: %v", err)
	}
}

func testCuration(t *testing.T, s store.Store) {
	mustAccount(t, s, "ada")
	mustArxiv(t, s, arxivFixture("2601.00004", 1))
	day := model.MustDate("2026-01-06")
	if err := s.CreateOrganization(ctx(), &model.Organization{Name: "lab", Fullname: "The Lab"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitPaper(ctx(), store.Submission{PaperID: "2601.00004", User: "ada", Day: day, Org: "lab"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitPaper(ctx(), store.Submission{PaperID: "2601.00004", User: "ada", Day: day}); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("second submission: %v", err)
	}
	p, _ := s.FindPaperByID(ctx(), "2601.00004")
	if p.Daily == nil || p.Daily.Day != day || p.Daily.SubmittedBy.Name != "ada" || p.Organization == nil || p.Organization.Name != "lab" {
		t.Fatalf("submitted paper = %+v", p)
	}
	n, _ := s.CountSubmissions(ctx(), "ada", time.Now().Add(-time.Hour))
	eq(t, "submissions", n, 1)
	if err := s.SetLinks(ctx(), "2601.00004", "https://github.com/a/b", "https://a.b", "user", "ada"); err != nil {
		t.Fatal(err)
	}
	p, _ = s.FindPaperByID(ctx(), "2601.00004")
	eq(t, "links", p.GithubRepo+"|"+p.GithubRepoAddedBy+"|"+p.LinksAddedBy, "https://github.com/a/b|user|ada")

	cid, err := s.CreateClaim(ctx(), &model.Claim{PaperID: "2601.00004", Position: 1, User: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateClaim(ctx(), &model.Claim{PaperID: "2601.00004", Position: 1, User: "ada"}); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("duplicate claim: %v", err)
	}
	pending, _ := s.FindClaims(ctx(), model.ClaimPending)
	eq(t, "pending", len(pending), 1)
	if err := s.DecideClaim(ctx(), cid, model.ClaimApproved, "mod"); err != nil {
		t.Fatal(err)
	}
	p, _ = s.FindPaperByID(ctx(), "2601.00004")
	if a := p.Authors[1]; a.User == nil || a.User.Name != "ada" || a.Status != "claimed_verified" {
		t.Errorf("claimed author = %+v", a)
	}
	ids, _ := s.ClaimedPapers(ctx(), "ada")
	eq(t, "claimed", str(ids), "[2601.00004]")

	if err := s.SetPaperHidden(ctx(), "2601.00004", true); err != nil {
		t.Fatal(err)
	}
	eq(t, "hidden from lists", len(mustFind(t, s, store.PaperFilter{OnDaily: true})), 0)
	eq(t, "shown to moderators", len(mustFind(t, s, store.PaperFilter{OnDaily: true, IncludeHidden: true})), 1)
	p, _ = s.FindPaperByID(ctx(), "2601.00004")
	eq(t, "still found by id", p.Hidden, true)

	_ = s.LogModAction(ctx(), &model.ModAction{Actor: "mod", Action: "hide_paper", Target: "2601.00004", Reason: "spam"})
	acts, _ := s.RecentModActions(ctx(), 10)
	if len(acts) != 1 || acts[0].Reason != "spam" {
		t.Errorf("mod log = %+v", acts)
	}
}
