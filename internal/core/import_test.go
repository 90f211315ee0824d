package core_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/cite"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/demo"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/testutil"
)

// libraryOnDemo is a library over the demo corpus, with title matching
// through the search index, and two members.
func libraryOnDemo(t *testing.T) (*core.Library, store.Store, *model.Account, *model.Account) {
	t.Helper()
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := demo.Load(ctx, db, quiet); err != nil {
		t.Fatal(err)
	}
	ix := search.New(db)
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	papers := &core.Papers{Store: db, Search: ix, Log: quiet, Now: time.Now}
	var accts []*model.Account
	for _, n := range []string{"ann", "bob"} {
		a := &model.Account{Name: n, Email: n + "@example.org", PasswordHash: "x", Role: model.RoleMember, CreatedAt: time.Now()}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		accts = append(accts, a)
	}
	return &core.Library{Store: db, Now: time.Now, Titles: papers}, db, accts[0], accts[1]
}

func collectionIDs(t *testing.T, lib *core.Library, a *model.Account, slug string) []string {
	t.Helper()
	c, err := lib.Collection(context.Background(), a, a.Name, slug)
	if err != nil {
		t.Fatal(err)
	}
	its, err := lib.Items(context.Background(), c, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range its {
		ids = append(ids, it.PaperID)
	}
	return ids
}

// A collection exported as BibTeX, RIS or CSL-JSON and imported by another
// user holds the same papers in the same order.
func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	lib, db, ann, bob := libraryOnDemo(t)
	ps, err := db.FindPapers(ctx, store.PaperFilter{OnDaily: true, Sort: store.SortUpvotes, Limit: 40})
	if err != nil || len(ps) < 40 {
		t.Fatalf("%d demo papers, %v", len(ps), err)
	}
	var want []string
	for i := len(ps) - 1; i >= 0; i-- { // an order no index gives
		want = append(want, ps[i].ID)
	}
	src, err := lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("Shelf")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Add(ctx, ann, src.Slug, want, ""); err != nil {
		t.Fatal(err)
	}
	its, _ := lib.Items(ctx, src, 0, 0)
	var exported []*model.Paper
	for _, it := range its {
		exported = append(exported, it.Paper)
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, []*model.Paper) error
	}{{"bibtex", cite.WriteBibTeX}, {"ris", cite.WriteRIS}, {"csl", cite.WriteCSL}} {
		var buf bytes.Buffer
		if err := f.write(&buf, exported); err != nil {
			t.Fatal(err)
		}
		dst, _ := lib.CreateCollection(ctx, bob, core.CollectionInput{Name: ptr("From " + f.name)})
		rep, err := lib.Import(ctx, bob, dst.Slug, "", buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if rep.Format != f.name || rep.Added != len(want) || rep.NotFound != 0 {
			t.Errorf("%s: report %s, %d added, %d not found", f.name, rep.Format, rep.Added, rep.NotFound)
		}
		if got := collectionIDs(t, lib, bob, dst.Slug); !slices.Equal(got, want) {
			t.Errorf("%s round trip: %v, want %v", f.name, got, want)
		}
	}
}

// Entries match by arXiv id in any form, by DOI and by title (other case,
// punctuation and TeX); unknown arXiv ids keep their place; a broken file
// adds nothing and says where it broke.
func TestImportMatching(t *testing.T) {
	ctx := context.Background()
	lib, db, ann, _ := libraryOnDemo(t)
	ps, _ := db.FindPapers(ctx, store.PaperFilter{OnDaily: true, Sort: store.SortUpvotes, Limit: 3})
	title := strings.ToUpper(strings.ReplaceAll(ps[2].Title, ":", " --"))
	src := `@article{a, title = {X}, journal = {arXiv preprint arXiv:` + ps[0].ID + `}}
@misc{b, title = {{` + title + `}}}
@misc{c, title = {Unknown}, eprint = {2612.99999}, archivePrefix = {arXiv}}
@article{d, title = {A paper only in a journal}, doi = {10.1000/nowhere}}
@misc{e, url = {https://arxiv.org/abs/` + ps[0].ID + `v3}}
`
	c, _ := lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("Mixed")})
	rep, err := lib.Import(ctx, ann, c.Slug, "", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rep.Entries {
		got = append(got, e.Status+":"+e.By)
	}
	if want := []string{"matched:arxiv", "matched:title", "fetching:arxiv", "not found:", "duplicate:arxiv"}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if rep.Entries[3].Reason == "" || rep.Entries[1].PaperID != ps[2].ID {
		t.Errorf("entries %+v", rep.Entries)
	}
	if n, _ := lib.Pending(ctx, c); n != 1 {
		t.Errorf("%d pending", n)
	}
	broken, _ := lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr("Broken")})
	_, err = lib.Import(ctx, ann, broken.Slug, "", []byte("@misc{a, eprint = {"+ps[0].ID+"}}\n@misc{b,\n title = {open {brace}\n"))
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("broken file: %v", err)
	}
	if ids := collectionIDs(t, lib, ann, broken.Slug); len(ids) != 0 {
		t.Errorf("a broken file half-imported: %v", ids)
	}
}

// Every real bibliography imports: nothing fails, and each entry with an
// arXiv id is matched or waits for its fetch.
func TestImportRealBibliographies(t *testing.T) {
	ctx := context.Background()
	lib, _, ann, _ := libraryOnDemo(t)
	files, _ := filepath.Glob(filepath.Join(testutil.SharedData(t, "bibliographies"), "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		c, err := lib.CreateCollection(ctx, ann, core.CollectionInput{Name: ptr(filepath.Base(f))})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := lib.Import(ctx, ann, c.Slug, "", b)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for _, e := range rep.Entries {
			if e.Status == core.ImportNotFound && e.Reason == "" {
				t.Errorf("%s line %d: not found without a reason", filepath.Base(f), e.Line)
			}
		}
		t.Logf("%s: %d entries, %d added, %d fetching, %d not found", filepath.Base(f), len(rep.Entries), rep.Added, rep.Fetching, rep.NotFound)
	}
}
