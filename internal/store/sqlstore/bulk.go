package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/quire/quire/internal/model"
)

// A batch of arXiv records in three statements, on dialects that take Go
// slices as array parameters (PostgreSQL): lock the ids, read what is
// stored, write every row, instead of three round trips a paper. The merge
// rules are the row writer's (mergeAuthors, mergeVersions).

// arxivArrayTypes are the element types of upsertArxivSQL's parameters.
var arxivArrayTypes = []string{"text", "text", "text", "text", "text", "bigint", "text", "text", "text",
	"text", "text", "text", "text", "text", "integer", "bigint", "text", "text", "text"}

// upsertArxivArraysSQL is upsertArxivSQL reading its rows from arrays.
var upsertArxivArraysSQL = func() string {
	casts := make([]string, len(arxivArrayTypes))
	for i, t := range arxivArrayTypes {
		casts[i] = fmt.Sprintf("$%d::%s[]", i+1, t)
	}
	head, tail, _ := strings.Cut(upsertArxivSQL, "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)")
	return head + "SELECT * FROM unnest(" + strings.Join(casts, ", ") + ")" + tail
}()

// upsertArxivArrays writes papers (in id order, no id twice) and returns
// how many existed.
func (db *DB) upsertArxivArrays(ctx context.Context, tx *sql.Tx, papers []*model.Paper, now int64) (int, error) {
	ids := make([]string, len(papers))
	for i, p := range papers {
		ids[i] = p.ID
	}
	if q := db.Dialect.KeyLocks(); q != "" {
		if _, err := tx.ExecContext(ctx, q, ids); err != nil {
			return 0, fmt.Errorf("lock: %w", err)
		}
	}
	old, err := readStored(ctx, tx, ids, db.Dialect.ForUpdate())
	if err != nil {
		return 0, err
	}
	cols := make([][]any, len(arxivArrayTypes))
	for i := range cols {
		cols[i] = make([]any, 0, len(papers))
	}
	var evPaper []string
	var evVersion []int
	var evAt []int64
	existed := 0
	for _, p := range papers {
		o := old[p.ID]
		if o.exists {
			existed++
		}
		authors, authorsSource := mergeAuthors(o.authors, o.authorsSource, authorsOf(p.ID, p.Authors), sourceArxiv)
		versions, latest, published := arxivVersions(p, o)
		row := []any{p.ID, p.Title, p.Summary, marshalAuthors(authors), authorsSource, published,
			strings.Join(p.Categories, " "), p.Comments, p.JournalRef, p.DOI, p.ReportNo, p.License, p.Submitter,
			encodeVersions(versions), latest, now, p.GithubRepo, p.GithubRepoAddedBy, nullDate(p.ListingDay)}
		for i, v := range row {
			cols[i] = append(cols[i], v)
		}
		if o.exists && o.latest > 0 {
			for _, v := range versions {
				if v.V > o.latest {
					at := v.Created
					if at == 0 {
						at = now
					}
					evPaper, evVersion, evAt = append(evPaper, p.ID), append(evVersion, v.V), append(evAt, at)
				}
			}
		}
	}
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = typedArray(c, arxivArrayTypes[i])
	}
	if _, err := tx.ExecContext(ctx, upsertArxivArraysSQL, args...); err != nil {
		return 0, err
	}
	if len(evPaper) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO paper_events (paper_id, version, kind, at)
			SELECT p, v, 'replaced', a FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS e(p, v, a)
			ON CONFLICT (paper_id, version, kind) DO NOTHING`, evPaper, evVersion, evAt); err != nil {
			return 0, fmt.Errorf("version events: %w", err)
		}
	}
	return existed, nil
}

// typedArray turns one column's values into a slice the driver sends as an
// array of that type, NULLs as nil pointers.
func typedArray(vals []any, typ string) any {
	switch typ {
	case "bigint", "integer":
		out := make([]*int64, len(vals))
		for i, v := range vals {
			switch x := v.(type) {
			case int64:
				out[i] = &x
			case int:
				n := int64(x)
				out[i] = &n
			}
		}
		return out
	}
	out := make([]*string, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[i] = &s
		}
	}
	return out
}

// readStored reads what the writer merges into, for many papers at once.
func readStored(ctx context.Context, tx *sql.Tx, ids []string, forUpdate string) (map[string]stored, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, authors, authors_source, versions, latest_version, upvotes
		FROM papers WHERE id = ANY($1)`+forUpdate, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]stored, len(ids))
	for rows.Next() {
		var id, authors, versions string
		s := stored{exists: true}
		if err := rows.Scan(&id, &authors, &s.authorsSource, &versions, &s.latest, &s.upvotes); err != nil {
			return nil, err
		}
		if s.authors, err = decodeAuthors(authors); err != nil {
			return nil, fmt.Errorf("paper %s: stored authors: %w", id, err)
		}
		if versions != "" {
			if err := json.Unmarshal([]byte(versions), &s.versions); err != nil {
				return nil, fmt.Errorf("paper %s: stored versions: %w", id, err)
			}
		}
		out[id] = s
	}
	return out, rows.Err()
}

// bulkable reports whether a batch can take the array path: arXiv records,
// at least two, each id once, all valid.
func bulkable(papers []*model.Paper) bool {
	if len(papers) < 2 {
		return false
	}
	for i, p := range papers {
		if p.ID == "" || p.Title == "" || (i > 0 && papers[i-1].ID == p.ID) {
			return false
		}
	}
	return true
}
