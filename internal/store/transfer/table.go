package transfer

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/quire/quire/internal/store/sqlstore"
)

// maxParams keeps one INSERT under both dialects' limits on parameters
// (SQLite 32,766; PostgreSQL 65,535).
const maxParams = 30000

// copyTable copies the rows of t that the target lacks, a batch per
// transaction, after the target's last key.
func copyTable(ctx context.Context, from, to *sqlstore.DB, t table, opt Options) error {
	srcCols, _, err := columns(ctx, from.R, t.name)
	if err != nil {
		return err
	}
	dstCols, dstTypes, err := columns(ctx, to.R, t.name)
	if err != nil {
		return err
	}
	// Columns both sides have: PostgreSQL's papers.change_xid is its own.
	var cols []string
	for _, c := range srcCols {
		if slices.Contains(dstCols, c) {
			cols = append(cols, c)
		}
	}
	var total, copied int64
	if err := from.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.name+cond(t.where, "WHERE")).Scan(&total); err != nil {
		return err
	}
	if err := to.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.name+cond(t.where, "WHERE")).Scan(&copied); err != nil {
		return err
	}
	last, err := lastKey(ctx, to.R, t)
	if err != nil {
		return err
	}
	for {
		rows, next, err := readBatch(ctx, from.R, t, cols, last, opt.Batch)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := writeBatch(ctx, to, t.name, cols, dstTypes, rows); err != nil {
			return err
		}
		copied += int64(len(rows))
		last = next
		if opt.Progress != nil {
			opt.Progress(t.name, copied, total)
		}
		if opt.AfterBatch != nil {
			if err := opt.AfterBatch(t.name, copied); err != nil {
				return err
			}
		}
	}
}

// keyAfter is the condition "key after last" as a row comparison, which
// both dialects accept, with its arguments from position n+1.
func keyAfter(t table, last []any, n int) (string, []any) {
	if last == nil {
		return "", nil
	}
	ph := make([]string, len(last))
	for i := range last {
		ph[i] = fmt.Sprintf("$%d", n+i+1)
	}
	return "(" + strings.Join(t.key, ", ") + ") > (" + strings.Join(ph, ", ") + ")", last
}

func where(conds ...string) string {
	var out []string
	for _, c := range conds {
		if c != "" {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(out, " AND ")
}

// lastKey is the greatest key the target holds, nil when it has none.
func lastKey(ctx context.Context, db *sql.DB, t table) ([]any, error) {
	key := make([]any, len(t.key))
	ptrs := make([]any, len(t.key))
	for i := range key {
		ptrs[i] = &key[i]
	}
	err := db.QueryRowContext(ctx, `SELECT `+strings.Join(t.key, ", ")+` FROM `+t.name+where(t.where)+
		` ORDER BY `+strings.Join(descending(t.key), ", ")+` LIMIT 1`).Scan(ptrs...)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return key, err
}

// readBatch reads up to n rows after last in key order, and the key of the
// last; a table without a unique key is read by whole groups.
func readBatch(ctx context.Context, db *sql.DB, t table, cols []string, last []any, n int) ([][]any, []any, error) {
	after, args := keyAfter(t, last, 0)
	order := " ORDER BY " + strings.Join(t.key, ", ")
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + t.name + where(t.where, after) + order + fmt.Sprintf(" LIMIT %d", n)
	if !t.unique {
		// The groups first, then every row up to the last group.
		var top []any
		ptrs := make([]any, len(t.key))
		top = make([]any, len(t.key))
		for i := range top {
			ptrs[i] = &top[i]
		}
		err := db.QueryRowContext(ctx, `SELECT `+strings.Join(t.key, ", ")+` FROM (SELECT DISTINCT `+strings.Join(t.key, ", ")+
			` FROM `+t.name+where(t.where, after)+order+fmt.Sprintf(" LIMIT %d", max(1, n/8))+`) g`+
			` ORDER BY `+strings.Join(descending(t.key), ", ")+` LIMIT 1`, args...).Scan(ptrs...)
		if err == sql.ErrNoRows {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		ph := make([]string, len(top))
		for i := range top {
			ph[i] = fmt.Sprintf("$%d", len(args)+i+1)
		}
		upTo := "(" + strings.Join(t.key, ", ") + ") <= (" + strings.Join(ph, ", ") + ")"
		q = `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + t.name + where(t.where, after, upTo) + order
		args = append(args, top...)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return nil, nil, err
	}
	lastRow := out[len(out)-1]
	next := make([]any, len(t.key))
	for i, k := range t.key {
		next[i] = lastRow[slices.Index(cols, k)]
	}
	return out, next, nil
}

func descending(key []string) []string {
	out := make([]string, len(key))
	for i, k := range key {
		out[i] = k + " DESC"
	}
	return out
}

// writeBatch inserts rows in one transaction, in statements of as many rows
// as the parameter limit allows. Values are converted to what the target
// column takes (SQLite keeps booleans as integers).
func writeBatch(ctx context.Context, to *sqlstore.DB, name string, cols []string, types map[string]string, rows [][]any) error {
	per := max(1, maxParams/len(cols))
	tx, err := to.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		var b strings.Builder
		b.WriteString(`INSERT INTO ` + name + ` (` + strings.Join(cols, ", ") + `) VALUES `)
		args := make([]any, 0, len(chunk)*len(cols))
		for r, row := range chunk {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c, v := range row {
				if c > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", len(args)+1)
				args = append(args, convert(v, types[cols[c]]))
			}
			b.WriteByte(')')
		}
		b.WriteString(` ON CONFLICT DO NOTHING`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// convert adapts a value read from one dialect to a column of the other.
func convert(v any, typ string) any {
	switch typ {
	case "BOOL", "BOOLEAN":
		switch x := v.(type) {
		case int64:
			return x != 0
		case string:
			return x == "1" || strings.EqualFold(x, "true")
		}
	}
	if b, ok := v.([]byte); ok {
		return string(b) // no binary columns: text read as bytes
	}
	return v
}
