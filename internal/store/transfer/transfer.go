// Package transfer copies a whole instance between databases (SQLite to
// PostgreSQL and back), table by table in primary-key order and in
// batches, each batch one transaction. A copy that is killed resumes where
// its last committed batch ended; at the end the row counts of every table
// are compared.
package transfer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/quire/quire/internal/store/sqlstore"
)

// table is one table to copy: its key columns, in the order rows are
// copied. Unique keys resume after the target's last key; a table without
// one (hf_upvote_changes) is copied by whole groups of its key, so that a
// batch never ends inside a group.
type table struct {
	name   string
	key    []string
	unique bool
	where  string // rows left behind (per-database state)
}

// tables in an order that satisfies every foreign key; comments refer to
// earlier comments, which their id order keeps.
var tables = []table{
	{name: "organizations", key: []string{"name"}, unique: true},
	{name: "users", key: []string{"name"}, unique: true},
	{name: "papers", key: []string{"id"}, unique: true},
	{name: "paper_events", key: []string{"paper_id", "version", "kind"}, unique: true},
	{name: "hf_upvote_changes", key: []string{"paper_id"}},
	{name: "harvest_cursors", key: []string{"source", "set_spec"}, unique: true},
	{name: "import_progress", key: []string{"source"}, unique: true},
	{name: "ingest_runs", key: []string{"id"}, unique: true},
	{name: "sessions", key: []string{"token_hash"}, unique: true},
	{name: "api_tokens", key: []string{"id"}, unique: true},
	{name: "oidc_identities", key: []string{"issuer", "subject"}, unique: true},
	{name: "votes", key: []string{"user_name", "paper_id"}, unique: true},
	{name: "comments", key: []string{"id"}, unique: true},
	{name: "author_claims", key: []string{"id"}, unique: true},
	{name: "mod_actions", key: []string{"id"}, unique: true},
	{name: "subscriptions", key: []string{"id"}, unique: true},
	{name: "saved_searches", key: []string{"id"}, unique: true},
	{name: "collections", key: []string{"id"}, unique: true},
	{name: "collection_items", key: []string{"collection_id", "paper_id"}, unique: true},
	{name: "collection_pending", key: []string{"collection_id", "paper_id"}, unique: true},
	{name: "follows", key: []string{"user_name", "kind", "target"}, unique: true},
	{name: "follow_excludes", key: []string{"user_name", "author", "paper_id"}, unique: true},
	{name: "user_feeds", key: []string{"user_name"}, unique: true},
	{name: "not_interested", key: []string{"collection_id", "paper_id"}, unique: true},
	{name: "foryou_prefs", key: []string{"user_name"}, unique: true},
	{name: "paper_states", key: []string{"user_name", "paper_id"}, unique: true},
	{name: "digest_sends", key: []string{"subscription_id", "period"}, unique: true},
	// The change feed's id and the copy marker belong to one database.
	{name: "instance_keys", key: []string{"name"}, unique: true, where: "name NOT IN ('change-feed', 'copied-from')"},
}

// Tables left out: schema_migrations (the target migrates itself),
// readiness (a probe's scratch row), job_leases (a run in progress
// belongs to the source's replicas), rate_limits (buckets refill within
// minutes), interest_rankings (derived: retrained on the first page load
// or by the job) and feed_cursors (positions in the source's change feed).

// Options tune a copy.
type Options struct {
	Batch int // rows per transaction (default 2,000)
	// Source names the source in the target, so that a copy into a
	// non-empty target is refused unless it is this same copy resumed.
	Source string
	// Progress is told of each committed batch (nil: silent).
	Progress func(table string, copied, total int64)
	// AfterBatch runs after each committed batch (tests kill the copy there).
	AfterBatch func(table string, copied int64) error
	// Finish runs on the target after the rows are in (PostgreSQL moves
	// its id sequences past the copied ids).
	Finish func(ctx context.Context, db *sqlstore.DB, tables []string) error
}

// Count is one table's row count on both sides.
type Count struct {
	Table          string
	Source, Target int64
}

// ErrNotEmpty means the target holds another instance's data.
var ErrNotEmpty = errors.New("transfer: the target database is not empty")

// Copy copies every table of from into to, which must be migrated to the
// same schema version, and returns the row counts it checked.
func Copy(ctx context.Context, from, to *sqlstore.DB, opt Options) ([]Count, error) {
	if opt.Batch <= 0 {
		opt.Batch = 2000
	}
	if err := claimTarget(ctx, to, opt.Source); err != nil {
		return nil, err
	}
	var counts []Count
	var names []string
	for _, t := range tables {
		if err := copyTable(ctx, from, to, t, opt); err != nil {
			return counts, fmt.Errorf("transfer: %s: %w", t.name, err)
		}
		names = append(names, t.name)
	}
	if opt.Finish != nil {
		if err := opt.Finish(ctx, to, names); err != nil {
			return counts, err
		}
	}
	var bad []string
	for _, t := range tables {
		c := Count{Table: t.name}
		if err := from.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.name+cond(t.where, "WHERE")).Scan(&c.Source); err != nil {
			return counts, err
		}
		if err := to.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.name+cond(t.where, "WHERE")).Scan(&c.Target); err != nil {
			return counts, err
		}
		if c.Source != c.Target {
			bad = append(bad, fmt.Sprintf("%s: %d rows in the source, %d in the target", t.name, c.Source, c.Target))
		}
		counts = append(counts, c)
	}
	if len(bad) > 0 {
		return counts, fmt.Errorf("transfer: counts differ after the copy (was the source written to meanwhile?): %s", strings.Join(bad, "; "))
	}
	return counts, nil
}

// claimTarget refuses a target with data unless it is marked as this
// copy's (a copy resumed), and marks an empty one.
func claimTarget(ctx context.Context, to *sqlstore.DB, source string) error {
	var marker string
	err := to.R.QueryRowContext(ctx, `SELECT value FROM instance_keys WHERE name = 'copied-from'`).Scan(&marker)
	switch {
	case err == nil && marker == source:
		return nil
	case err == nil:
		return fmt.Errorf("%w: it holds a copy from %s", ErrNotEmpty, marker)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	for _, t := range []string{"papers", "users", "subscriptions"} {
		var n int64
		if err := to.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: %s has %d rows; copy into an empty database", ErrNotEmpty, t, n)
		}
	}
	_, err = to.InstanceKey(ctx, "copied-from", source)
	return err
}

func cond(c, kw string) string {
	if c == "" {
		return ""
	}
	return " " + kw + " " + c
}

// columns returns the column names and database type names of a table.
func columns(ctx context.Context, db *sql.DB, table string) ([]string, map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT * FROM `+table+` LIMIT 0`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, nil, err
	}
	var names []string
	types := map[string]string{}
	for _, ct := range cts {
		names = append(names, ct.Name())
		types[ct.Name()] = strings.ToUpper(ct.DatabaseTypeName())
	}
	return names, types, nil
}
