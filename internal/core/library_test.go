package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
)

func ptr[T any](v T) *T { return &v }

// A private collection exists only for its owner; slugs are unique per
// owner; the Reading list is made once and cannot be deleted; adding an
// unknown paper fetches it, and one that stays unknown adds nothing.
func TestLibraryRules(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	for _, n := range []string{"ann", "bob"} {
		if err := db.CreateAccount(ctx, &model.Account{Name: n, Email: n + "@example.org", PasswordHash: "x", Role: model.RoleMember, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.UpsertPapers(ctx, []*model.Paper{{ID: "2501.00001", Title: "One"}}); err != nil {
		t.Fatal(err)
	}
	fetched := 0
	lib := &core.Library{Store: db, Now: time.Now, Fetch: func(ctx context.Context, id string) error {
		fetched++
		if id == "2501.00002" {
			_, err := db.UpsertPapers(ctx, []*model.Paper{{ID: id, Title: "Two"}})
			return err
		}
		return model.Errorf(model.ENOTFOUND, "no %s on arXiv", id)
	}}
	ann, bob := &model.Account{Name: "ann"}, &model.Account{Name: "bob"}

	c, err := lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("  Flow   Matching  ")})
	if err != nil || c.Slug != "flow-matching" || c.Name != "Flow Matching" || !c.Private {
		t.Fatalf("created %+v, %v", c, err)
	}
	if again, _ := lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("Flow matching!")}); again.Slug != "flow-matching-2" {
		t.Errorf("second slug %q", again.Slug)
	}
	for _, viewer := range []*model.Account{nil, bob} {
		if _, err := lib.Collection(ctx, viewer, "ann", "flow-matching"); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("%v sees a private collection: %v", viewer, err)
		}
		if list, _ := lib.Collections(ctx, viewer, "ann"); len(list) != 0 {
			t.Errorf("%v lists private collections: %d", viewer, len(list))
		}
	}
	if _, err := lib.Add(ctx, bob, "flow-matching", []string{"2501.00001"}, ""); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("bob adds to ann's collection: %v", err)
	}
	if n, err := lib.Add(ctx, ann, "flow-matching", []string{"arXiv:2501.00001v2", "https://arxiv.org/abs/2501.00002"}, ""); n != 2 || err != nil || fetched != 1 {
		t.Errorf("add with a fetch: %d %v (fetched %d)", n, err, fetched)
	}
	if _, err := lib.Add(ctx, ann, "flow-matching", []string{"2501.00001", "2501.00404"}, ""); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("unknown paper: %v", err)
	}
	if _, err := lib.Add(ctx, ann, "flow-matching", []string{"not an id"}, ""); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("bad id: %v", err)
	}
	if _, err := lib.UpdateCollection(ctx, ann, "flow-matching", core.CollectionInput{Private: ptr(false), Order: ptr("sideways")}); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("bad order: %v", err)
	}
	if _, err := lib.UpdateCollection(ctx, ann, "flow-matching", core.CollectionInput{Private: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	got, err := lib.Collection(ctx, bob, "ANN", "flow-matching")
	if err != nil || got.Count != 2 {
		t.Fatalf("public collection for bob: %+v %v", got, err)
	}
	its, _ := lib.Items(ctx, got, 0, 0)
	if len(its) != 2 || its[0].Paper.Title != "One" || its[1].Paper.Title != "Two" {
		t.Errorf("items %+v", its)
	}
	if mine, _ := lib.Collections(ctx, ann, "ann"); len(mine) != 3 || !mine[0].IsReadingList() {
		t.Errorf("ann's collections %d, the Reading list first", len(mine))
	}
	if err := lib.DeleteCollection(ctx, ann, model.ReadingListSlug); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Errorf("delete the Reading list: %v", err)
	}
	if err := lib.DeleteCollection(ctx, bob, "flow-matching"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("bob deletes ann's collection: %v", err)
	}
	if err := lib.MarkRead(ctx, nil, "2501.00001", true); model.ErrorCode(err) != model.EUNAUTH {
		t.Errorf("a visitor marks read: %v", err)
	}
}
