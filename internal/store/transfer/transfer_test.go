package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/demo"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/postgres"
	"github.com/quire/quire/internal/store/postgres/pgtest"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/store/transfer"
)

var ctx = context.Background()

// populate writes rows into every table an instance uses: the demo
// corpus, then accounts and everything the community and the jobs keep.
func populate(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(demo.Load(ctx, db, slog.New(slog.NewTextHandler(io.Discard, nil))))
	all, err := db.FindPapers(ctx, store.PaperFilter{Limit: 50, Sort: store.SortArxiv})
	must(err)
	var ps []*model.Paper // three with authors
	for _, p := range all {
		if len(p.Authors) > 1 && len(ps) < 3 {
			ps = append(ps, p)
		}
	}
	for _, name := range []string{"ada", "alan", "émilie"} {
		must(db.CreateAccount(ctx, &model.Account{Name: name, Email: name + "@example.org", PasswordHash: "$argon2id$x", Role: model.RoleMember,
			CreatedAt: time.Now().Add(-48 * time.Hour)}))
	}
	must(db.CreateSession(ctx, "session-hash", "ada", time.Now().Add(time.Hour)))
	_, err = db.CreateAPIToken(ctx, "ada", "laptop", "token-hash")
	must(err)
	must(db.LinkIdentity(ctx, "https://login.example.edu", "subject-1", "alan"))
	for _, p := range ps {
		_, err = db.Vote(ctx, "ada", p.ID)
		must(err)
	}
	parent, err := db.CreateComment(ctx, &model.Comment{PaperID: ps[0].ID, User: "ada", Body: "Nice **result**"})
	must(err)
	_, err = db.CreateComment(ctx, &model.Comment{PaperID: ps[0].ID, User: "alan", ParentID: parent, Body: "Agreed"})
	must(err)
	claim, err := db.CreateClaim(ctx, &model.Claim{PaperID: ps[1].ID, Position: 0, User: "alan"})
	must(err)
	must(db.DecideClaim(ctx, claim, model.ClaimApproved, "ada"))
	must(db.LogModAction(ctx, &model.ModAction{Actor: "ada", Action: "hide_comment", Target: "1", Reason: "spam"}))
	sub, err := db.CreateSubscription(ctx, &model.Subscription{Email: "reader@example.org", Frequency: model.Daily})
	must(err)
	must(db.SetSubscriptionStatus(ctx, sub.ID, model.SubActive))
	_, err = db.CreateSavedSearch(ctx, "ada", "flow matching", "feed-secret")
	must(err)
	_, err = db.ClaimDigestSend(ctx, &store.DigestSend{SubscriptionID: sub.ID, Period: "daily:2026-12-01", Status: "sending",
		MessageID: "<m1@example.org>", LeaseUntil: time.Now().Add(time.Minute)})
	must(err)
	run, err := db.CreateIngestRun(ctx, "oai", "cs")
	must(err)
	must(db.FinishIngestRun(ctx, run, "ok", 2, 0, ""))
	v1 := &model.Paper{ID: "2612.00001", Title: "A new paper", Categories: []string{"cs.LG"},
		Versions: []model.Version{{Version: 1, Created: time.Now().Add(-24 * time.Hour)}}}
	_, err = db.UpsertArxiv(ctx, []*model.Paper{v1}, store.Checkpoint{
		Cursor:   &store.HarvestCursor{Source: "oai", Set: "cs", Datestamp: "2026-12-01"},
		Progress: &store.ImportProgress{Source: "kaggle.json", Offset: 100, Line: 2}})
	must(err)
	v2 := *v1
	v2.Versions = append(slices.Clone(v1.Versions), model.Version{Version: 2, Created: time.Now()})
	_, err = db.UpsertArxiv(ctx, []*model.Paper{&v2}, store.Checkpoint{})
	must(err)
	grown := *ps[2]
	grown.Upvotes += 7 // a Hugging Face sync that saw the count grow
	_, err = db.UpsertPapers(ctx, []*model.Paper{&grown})
	must(err)
	shelf := &model.Collection{Owner: "émilie", Slug: "flows", Name: "Flows", Order: model.OrderAdded, FeedSecret: "shelf-secret"}
	must(db.CreateCollection(ctx, shelf))
	_, err = db.AddItems(ctx, shelf.ID, []model.CollectionItem{{PaperID: ps[2].ID, Note: "read first"}, {PaperID: ps[0].ID}}, time.Now())
	must(err)
	_, err = db.ImportItems(ctx, shelf.ID, []store.ImportItem{{PaperID: "2612.09999", Pending: true}}, time.Now())
	must(err)
	must(db.MarkNotInterested(ctx, shelf.ID, ps[1].ID, true, time.Now()))
	must(db.SetForYouPrefs(ctx, "alan", model.ForYouPrefs{Mix: 30, Merged: true}))
	must(db.MarkRead(ctx, "émilie", ps[0].ID, true, time.Now()))
	must(db.Follow(ctx, "émilie", model.FollowAuthor, "Ada Lovelace", time.Now()))
	must(db.ExcludeFromFollow(ctx, "émilie", "Ada Lovelace", ps[1].ID, true))
	_, err = db.UserFeed(ctx, "émilie", "feed-of-emilie", false)
	must(err)
	must(db.SetNote(ctx, "émilie", ps[1].ID, "Proof in §3", time.Now()))
	_, err = db.InstanceKey(ctx, "link-signing", "c2VjcmV0LWtleS1vZi10aGUtaW5zdGFuY2UtMzItYnl0ZXM=")
	must(err)
}

// dump reads a table as sorted lines of normalised values (booleans as
// 0/1), for comparing across dialects.
func dump(t *testing.T, db *sqlstore.DB, table string, skip ...string) []string {
	t.Helper()
	rows, err := db.R.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if slices.Contains(skip, cols[i]) {
				continue
			}
			switch x := v.(type) {
			case bool:
				v = map[bool]int{false: 0, true: 1}[x]
			case []byte:
				v = string(x)
			case int32:
				v = int64(x)
			}
			fmt.Fprintf(&b, "%s=%v|", cols[i], v)
		}
		out = append(out, b.String())
	}
	sort.Strings(out)
	return out
}

// userTables lists the tables of a SQLite store.
func userTables(t *testing.T, db *sqlstore.DB) []string {
	rows, err := db.R.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// A populated SQLite instance copied to PostgreSQL and back holds every
// row of every table as it was; the first copy is killed halfway and run
// again, and every row is there once.
func TestRoundTrip(t *testing.T) {
	a := sqlitetest.MustOpen(t)
	populate(t, a)
	pg := pgtest.MustOpen(t)
	reset := transfer.Options{Finish: func(ctx context.Context, db *sqlstore.DB, _ []string) error { return postgres.ResetSequences(ctx, db) }}

	// Killed after a few batches of papers, then resumed.
	opt := reset
	opt.Source, opt.Batch = "sqlite:a", 7
	killed := errors.New("killed")
	batches := 0
	opt.AfterBatch = func(table string, _ int64) error {
		if table == "papers" {
			if batches++; batches == 3 {
				return killed
			}
		}
		return nil
	}
	if _, err := transfer.Copy(ctx, a, pg, opt); !errors.Is(err, killed) {
		t.Fatalf("first copy: %v, want it killed", err)
	}
	opt.AfterBatch = nil
	counts, err := transfer.Copy(ctx, a, pg, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Source != c.Target {
			t.Errorf("%s: %d rows, %d copied", c.Table, c.Source, c.Target)
		}
	}
	// Another instance's copy into the same database is refused.
	if _, err := transfer.Copy(ctx, a, pg, transfer.Options{Source: "sqlite:other"}); !errors.Is(err, transfer.ErrNotEmpty) {
		t.Errorf("a second copy into a used database: %v", err)
	}
	// New rows on PostgreSQL get fresh ids after the copied ones.
	id, err := pg.CreateSavedSearch(ctx, "alan", "after the move", "feed-secret-2")
	if err != nil {
		t.Fatalf("a new row after the copy: %v", err)
	}
	if err := pg.DeleteSavedSearch(ctx, "alan", id); err != nil {
		t.Fatal(err)
	}

	b := sqlitetest.MustOpen(t)
	back := transfer.Options{Source: "postgres:test", Batch: 500}
	if _, err := transfer.Copy(ctx, pg, b, back); err != nil {
		t.Fatal(err)
	}
	// Not copied: per-database state, and what is derived (rankings, a
	// job's place in the change feed) and rebuilt on the target.
	skip := map[string]bool{"schema_migrations": true, "readiness": true, "job_leases": true, "rate_limits": true,
		"interest_rankings": true, "feed_cursors": true}
	tables := userTables(t, a)
	if len(tables) < 20 {
		t.Fatalf("tables: %v", tables)
	}
	for _, table := range tables {
		if skip[table] {
			continue
		}
		want, got := dump(t, a, table), dump(t, b, table)
		if table == "instance_keys" {
			want, got = withoutLocal(want), withoutLocal(got)
		}
		if len(want) == 0 && table != "instance_keys" {
			t.Errorf("%s: populate wrote no rows; the test would not see it lost", table)
		}
		if !slices.Equal(want, got) {
			t.Errorf("%s differs after SQLite → PostgreSQL → SQLite: %d rows before, %d after\nfirst before: %.300v\nfirst after:  %.300v",
				table, len(want), len(got), first(want), first(got))
		}
	}
}

func withoutLocal(rows []string) []string {
	var out []string
	for _, r := range rows {
		if !strings.Contains(r, "name=change-feed|") && !strings.Contains(r, "name=copied-from|") {
			out = append(out, strings.Split(r, "created_at=")[0])
		}
	}
	return out
}

func first(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0]
}
