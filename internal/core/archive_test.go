package core_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// An account archive exported on one instance and imported on another
// holds the same collections (items in order, with notes), reading marks,
// notes, votes, saved searches and follows.
func TestArchiveRoundTrip(t *testing.T) {
	ctx := context.Background()
	libA, dbA, ann, _ := libraryOnDemo(t)
	libB, _, _, bob := libraryOnDemo(t)
	ps, _ := dbA.FindPapers(ctx, store.PaperFilter{OnDaily: true, Sort: store.SortUpvotes, Limit: 6})
	c, _ := libA.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("Flows"), Private: ptr(false), Interest: ptr(true), Keywords: ptr("optimal transport")})
	if _, err := libA.Add(ctx, ann, c.Slug, []string{ps[3].ID, ps[1].ID, ps[4].ID}, "key paper"); err != nil {
		t.Fatal(err)
	}
	if _, err := libA.Add(ctx, ann, model.ReadingListSlug, []string{ps[0].ID}, ""); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(libA.NotInterested(ctx, ann, c.Slug, ps[5].ID, true))
	must(libA.MarkRead(ctx, ann, ps[1].ID, true))
	must(libA.SetNote(ctx, ann, ps[2].ID, "Proof in **§3**"))
	_, err := dbA.Vote(ctx, "ann", ps[5].ID)
	must(err)
	_, err = dbA.CreateSavedSearch(ctx, "ann", "flow matching", "s1")
	must(err)
	must(libA.Follow(ctx, ann, model.FollowAuthor, "Ada Lovelace"))
	must(libA.Exclude(ctx, ann, "Ada Lovelace", ps[0].ID, true))

	ar, err := libA.Export(ctx, ann)
	must(err)
	b, err := json.Marshal(ar)
	must(err)
	rep, err := libB.ImportArchive(ctx, bob, b)
	must(err)
	if rep.Votes != 1 || rep.SavedSearches != 1 || rep.Follows != 1 || rep.Papers != 2 || rep.Fetching != 0 {
		t.Errorf("report %+v", rep)
	}
	again, err := libB.Export(ctx, bob)
	must(err)
	if len(again.Collections) != 2 {
		t.Fatalf("collections %+v", again.Collections)
	}
	for i, want := range ar.Collections {
		got := again.Collections[i]
		if got.Slug != want.Slug || got.Name != want.Name || got.Private != want.Private || got.Interest != want.Interest || got.Keywords != want.Keywords ||
			!slices.Equal(got.NotInterested, want.NotInterested) || len(got.Items) != len(want.Items) {
			t.Errorf("collection %d: %+v, want %+v", i, got, want)
			continue
		}
		for j := range want.Items {
			if got.Items[j].PaperID != want.Items[j].PaperID || got.Items[j].Note != want.Items[j].Note {
				t.Errorf("%s item %d: %+v, want %+v", want.Slug, j, got.Items[j], want.Items[j])
			}
		}
	}
	if !slices.EqualFunc(again.Papers, ar.Papers, func(a, b core.ArchivePaper) bool {
		return a.PaperID == b.PaperID && a.Read == b.Read && a.Note == b.Note
	}) {
		t.Errorf("papers %+v, want %+v", again.Papers, ar.Papers)
	}
	if !slices.Equal(again.Votes, ar.Votes) || !slices.Equal(again.SavedSearches, ar.SavedSearches) {
		t.Errorf("votes %v searches %v", again.Votes, again.SavedSearches)
	}
	if len(again.Follows) != 1 || again.Follows[0].Target != "Ada Lovelace" {
		t.Errorf("follows %+v", again.Follows)
	}
	if _, err := libB.ImportArchive(ctx, bob, []byte(`{"format": "something else"}`)); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("a foreign file: %v", err)
	}
}

// Deleting an account removes what it owned, withdraws its votes, keeps
// its comments as by a deleted user, and keeps its name taken.
func TestDeleteAccount(t *testing.T) {
	ctx := context.Background()
	lib, db, ann, _ := libraryOnDemo(t)
	accounts := &core.Accounts{Store: db, Now: lib.Now}
	if _, err := accounts.Signup(ctx, "cy", "cy@example.org", "password-cy", ""); err != nil {
		t.Fatal(err)
	}
	cy, _ := db.FindAccount(ctx, "cy")
	ps, _ := db.FindPapers(ctx, store.PaperFilter{OnDaily: true, Sort: store.SortUpvotes, Limit: 2})
	before := ps[0].Upvotes
	if _, err := db.Vote(ctx, "cy", ps[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateComment(ctx, &model.Comment{PaperID: ps[0].ID, User: "cy", Body: "Nice."}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Add(ctx, cy, model.ReadingListSlug, []string{ps[1].ID}, ""); err != nil {
		t.Fatal(err)
	}
	if err := lib.SetNote(ctx, cy, ps[1].ID, "mine"); err != nil {
		t.Fatal(err)
	}
	tok, _ := accounts.CreateToken(ctx, "cy", "t")
	if err := accounts.Delete(ctx, cy, "wrong password"); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("delete with a wrong password: %v", err)
	}
	if err := accounts.Delete(ctx, cy, "password-cy"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindAccount(ctx, "cy"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("deleted account still found: %v", err)
	}
	if _, err := accounts.Authenticate(ctx, tok); err == nil {
		t.Error("the deleted account's token still works")
	}
	p, _ := db.FindPaperByID(ctx, ps[0].ID)
	if p.Upvotes != before {
		t.Errorf("upvotes %d after the voter's deletion, want %d", p.Upvotes, before)
	}
	cs, _ := db.FindComments(ctx, ps[0].ID)
	var found bool
	for _, c := range cs {
		if c.Body == "Nice." {
			found = c.User == ""
		}
	}
	if !found {
		t.Error("the comment is gone or still names its deleted author")
	}
	if cols, _ := db.ListCollections(ctx, "cy"); len(cols) != 0 {
		t.Errorf("collections left: %d", len(cols))
	}
	if st, _ := db.PaperStates(ctx, "cy", nil); len(st) != 0 {
		t.Errorf("notes left: %v", st)
	}
	if _, err := accounts.Signup(ctx, "cy", "other@example.org", "password-other", ""); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("the deleted name was taken again: %v", err)
	}
	if _, err := accounts.Signup(ctx, "cy2", "cy@example.org", "password-cy2", ""); err != nil {
		t.Errorf("the deleted account's e-mail cannot sign up again: %v", err)
	}
	_ = ann
}

// A followed author name brings the papers with exactly that author (any
// case), and one left out stays out; an organization brings its papers.
func TestFollowing(t *testing.T) {
	ctx := context.Background()
	lib, db, ann, _ := libraryOnDemo(t)
	ps, _ := db.FindPapers(ctx, store.PaperFilter{OnDaily: true, Sort: store.SortUpvotes, Limit: 50})
	var p *model.Paper
	for _, c := range ps {
		if len(c.Authors) > 2 && c.Organization != nil {
			p = c
			break
		}
	}
	name := p.Authors[1].Name
	if err := lib.Follow(ctx, ann, model.FollowAuthor, " "+strings.ToUpper(name)+" "); err != nil {
		t.Fatal(err)
	}
	if err := lib.Follow(ctx, ann, "planet", "x"); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	if err := lib.Follow(ctx, ann, model.FollowOrg, "no-such-org"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("unknown org: %v", err)
	}
	has := func(fps []core.FollowedPaper, id string) *core.FollowedPaper {
		for i := range fps {
			if fps[i].ID == id {
				return &fps[i]
			}
		}
		return nil
	}
	fps, err := lib.Following(ctx, ann, 3650)
	if err != nil {
		t.Fatal(err)
	}
	fp := has(fps, p.ID)
	if fp == nil || fp.Because[0].Kind != model.FollowAuthor {
		t.Fatalf("%s by %q not followed: %d papers", p.ID, name, len(fps))
	}
	for _, f := range fps {
		ok := false
		for _, a := range f.Authors {
			ok = ok || strings.EqualFold(a.Name, name)
		}
		if !ok {
			t.Errorf("%s has no author %q", f.ID, name)
		}
	}
	if err := lib.Exclude(ctx, ann, strings.ToUpper(name), p.ID, true); err != nil {
		t.Fatal(err)
	}
	fps, _ = lib.Following(ctx, ann, 3650)
	if has(fps, p.ID) != nil {
		t.Error("an excluded paper is still listed")
	}
	if err := lib.Follow(ctx, ann, model.FollowOrg, p.Organization.Name); err != nil {
		t.Fatal(err)
	}
	fps, _ = lib.Following(ctx, ann, 3650)
	if fp := has(fps, p.ID); fp == nil || fp.Because[0].Kind != model.FollowOrg {
		t.Errorf("the organization's paper %s is not listed: %+v", p.ID, fp)
	}
}
