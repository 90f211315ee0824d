package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
)

const collectionColumns = `c.id, c.owner, c.slug, c.name, c.description, c.private, c.item_order, c.interest, c.feed_secret,
	c.created_at, c.updated_at, c.version, c.keywords, (SELECT COUNT(*) FROM collection_items i WHERE i.collection_id = c.id)`

func scanCollection(row interface{ Scan(...any) error }) (*model.Collection, error) {
	var c model.Collection
	var created, updated sql.NullInt64
	if err := row.Scan(&c.ID, &c.Owner, &c.Slug, &c.Name, &c.Description, &c.Private, &c.Order, &c.Interest, &c.FeedSecret,
		&created, &updated, &c.Version, &c.Keywords, &c.Count); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}

// CreateCollection implements store.LibraryStore.
func (db *DB) CreateCollection(ctx context.Context, c *model.Collection) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		err := tx.QueryRowContext(ctx, `INSERT INTO collections (owner, slug, name, description, private, item_order, interest, feed_secret, keywords, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10) ON CONFLICT (owner, slug) DO NOTHING RETURNING id`,
			c.Owner, c.Slug, c.Name, c.Description, c.Private, c.Order, c.Interest, c.FeedSecret, c.Keywords, now.UnixMilli()).Scan(&c.ID)
		if isNotFound(err) || db.Dialect.UniqueViolation(err) {
			return model.Errorf(model.ECONFLICT, "%s already has a collection %q", c.Owner, c.Slug)
		}
		if err != nil {
			return fmt.Errorf("store: create collection %s/%s: %w", c.Owner, c.Slug, err)
		}
		c.CreatedAt, c.UpdatedAt = now, now
		return nil
	})
}

// FindCollection implements store.LibraryStore.
func (db *DB) FindCollection(ctx context.Context, owner, slug string) (*model.Collection, error) {
	return db.findCollection(ctx, "collection "+owner+"/"+slug,
		`lower(c.owner) = lower($1) AND c.slug = $2`, owner, slug)
}

// FindCollectionByID implements store.LibraryStore.
func (db *DB) FindCollectionByID(ctx context.Context, id int64) (*model.Collection, error) {
	return db.findCollection(ctx, fmt.Sprintf("collection %d", id), `c.id = $1`, id)
}

// FindCollectionByFeed implements store.LibraryStore.
func (db *DB) FindCollectionByFeed(ctx context.Context, secret string) (*model.Collection, error) {
	return db.findCollection(ctx, "collection feed", `c.feed_secret = $1 AND c.feed_secret <> ''`, secret)
}

func (db *DB) findCollection(ctx context.Context, what, cond string, args ...any) (*model.Collection, error) {
	c, err := scanCollection(db.R.QueryRowContext(ctx, `SELECT `+collectionColumns+` FROM collections c WHERE `+cond, args...))
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "no such collection")
	}
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return c, nil
}

// ListCollections implements store.LibraryStore.
func (db *DB) ListCollections(ctx context.Context, owner string) ([]*model.Collection, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+collectionColumns+` FROM collections c WHERE lower(c.owner) = lower($1)
		ORDER BY CASE WHEN c.slug = $2 THEN 0 ELSE 1 END, lower(c.name), c.id`, owner, model.ReadingListSlug)
	if err != nil {
		return nil, fmt.Errorf("store: collections of %s: %w", owner, err)
	}
	defer rows.Close()
	var out []*model.Collection
	for rows.Next() {
		c, err := scanCollection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: collections of %s: %w", owner, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateCollection implements store.LibraryStore. Any update counts as a
// change of the interest (its flag or keywords may be what changed).
func (db *DB) UpdateCollection(ctx context.Context, c *model.Collection) error {
	return db.exec(ctx, fmt.Sprintf("collection %d", c.ID), `UPDATE collections SET name = $2, description = $3, private = $4,
		item_order = $5, feed_secret = $6, interest = $7, keywords = $8, updated_at = $9, version = version + 1 WHERE id = $1`,
		c.ID, c.Name, c.Description, c.Private, c.Order, c.FeedSecret, c.Interest, c.Keywords, db.Now().UnixMilli())
}

// DeleteCollection implements store.LibraryStore.
func (db *DB) DeleteCollection(ctx context.Context, id int64) error {
	return db.exec(ctx, fmt.Sprintf("collection %d", id), `DELETE FROM collections WHERE id = $1`, id)
}

// AddItems implements store.LibraryStore. The collection's row is taken
// first (its next position moved by the number of items), which locks it
// on PostgreSQL: concurrent adders get disjoint positions.
func (db *DB) AddItems(ctx context.Context, collectionID int64, items []model.CollectionItem, at time.Time) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	added := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		added = 0
		first, err := reserve(ctx, tx, collectionID, len(items), at)
		if err != nil {
			return err
		}
		pos := first
		for _, it := range items {
			res, err := tx.ExecContext(ctx, `INSERT INTO collection_items (collection_id, paper_id, position, note, added_at)
				SELECT $1, p.id, $3, $4, $5 FROM papers p WHERE p.id = $2
				ON CONFLICT (collection_id, paper_id) DO UPDATE SET note = excluded.note WHERE excluded.note <> ''`,
				collectionID, it.PaperID, pos, it.Note, at.UnixMilli())
			if err != nil {
				return err
			}
			pos++
			if n, _ := res.RowsAffected(); n == 0 {
				var known bool
				if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM papers WHERE id = $1)`, it.PaperID).Scan(&known); err != nil {
					return err
				}
				if !known {
					return model.Errorf(model.ENOTFOUND, "paper %s not found", it.PaperID)
				}
			}
		}
		// Positions only grow: what is at or after this call's first one is new.
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM collection_items WHERE collection_id = $1 AND position >= $2`,
			collectionID, first).Scan(&added)
	})
	if err != nil {
		return 0, fmt.Errorf("store: add to collection %d: %w", collectionID, err)
	}
	return added, nil
}

// RemoveItem implements store.LibraryStore.
func (db *DB) RemoveItem(ctx context.Context, collectionID int64, paperID string) error {
	return db.execChanging(ctx, "collection item "+paperID, collectionID, `DELETE FROM collection_items WHERE collection_id = $1 AND paper_id = $2`, collectionID, paperID)
}

// CollectionItems implements store.LibraryStore.
func (db *DB) CollectionItems(ctx context.Context, c *model.Collection, offset, limit int) ([]model.CollectionItem, error) {
	order := "i.position"
	switch c.Order {
	case model.OrderRecent:
		order = "i.added_at DESC, i.position DESC"
	case model.OrderPublished:
		order = "p.published_at DESC, p.id DESC"
	}
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := db.R.QueryContext(ctx, `SELECT i.paper_id, i.added_at, i.note FROM collection_items i JOIN papers p ON p.id = i.paper_id
		WHERE i.collection_id = $1 ORDER BY `+order+` LIMIT $2 OFFSET $3`, c.ID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: items of collection %d: %w", c.ID, err)
	}
	defer rows.Close()
	var out []model.CollectionItem
	for rows.Next() {
		var it model.CollectionItem
		var added sql.NullInt64
		if err := rows.Scan(&it.PaperID, &added, &it.Note); err != nil {
			return nil, fmt.Errorf("store: items of collection %d: %w", c.ID, err)
		}
		it.AddedAt = fromMS(added)
		out = append(out, it)
	}
	return out, rows.Err()
}

// SavedIn implements store.LibraryStore.
func (db *DB) SavedIn(ctx context.Context, owner string, paperIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(paperIDs) == 0 {
		return out, nil
	}
	args := []any{owner}
	rows, err := db.R.QueryContext(ctx, `SELECT i.paper_id, c.slug FROM collection_items i JOIN collections c ON c.id = i.collection_id
		WHERE c.owner = $1 AND i.paper_id IN (`+placeholders(&args, paperIDs)+`) ORDER BY c.slug`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: saved papers of %s: %w", owner, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, slug string
		if err := rows.Scan(&id, &slug); err != nil {
			return nil, err
		}
		out[id] = append(out[id], slug)
	}
	return out, rows.Err()
}

// MarkRead implements store.LibraryStore.
func (db *DB) MarkRead(ctx context.Context, user, paperID string, read bool, at time.Time) error {
	var readAt any
	if read {
		readAt = at.UnixMilli()
	}
	return db.exec(ctx, "mark "+paperID, `INSERT INTO paper_states (user_name, paper_id, read_at, updated_at)
		SELECT $1, p.id, $3, $4 FROM papers p WHERE p.id = $2
		ON CONFLICT (user_name, paper_id) DO UPDATE SET read_at = excluded.read_at, updated_at = excluded.updated_at`,
		user, paperID, readAt, at.UnixMilli())
}

// SetNote implements store.LibraryStore.
func (db *DB) SetNote(ctx context.Context, user, paperID, note string, at time.Time) error {
	return db.exec(ctx, "note on "+paperID, `INSERT INTO paper_states (user_name, paper_id, note, updated_at)
		SELECT $1, p.id, $3, $4 FROM papers p WHERE p.id = $2
		ON CONFLICT (user_name, paper_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at`,
		user, paperID, note, at.UnixMilli())
}

// PaperStates implements store.LibraryStore.
func (db *DB) PaperStates(ctx context.Context, user string, paperIDs []string) (map[string]model.PaperState, error) {
	out := map[string]model.PaperState{}
	q, args := `SELECT paper_id, read_at, note FROM paper_states WHERE user_name = $1`, []any{user}
	if paperIDs != nil {
		if len(paperIDs) == 0 {
			return out, nil
		}
		q += ` AND paper_id IN (` + placeholders(&args, paperIDs) + `)`
	}
	rows, err := db.R.QueryContext(ctx, q+` ORDER BY paper_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: paper states of %s: %w", user, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var readAt sql.NullInt64
		var s model.PaperState
		if err := rows.Scan(&id, &readAt, &s.Note); err != nil {
			return nil, err
		}
		s.Read, s.ReadAt = readAt.Valid, fromMS(readAt)
		out[id] = s
	}
	return out, rows.Err()
}

// placeholders appends vals to args and returns their placeholders.
func placeholders(args *[]any, vals []string) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		*args = append(*args, v)
		ph[i] = fmt.Sprintf("$%d", len(*args))
	}
	return strings.Join(ph, ",")
}

// MarkNotInterested implements store.LibraryStore.
func (db *DB) MarkNotInterested(ctx context.Context, collectionID int64, paperID string, on bool, at time.Time) error {
	if !on {
		return db.execChanging(ctx, "not interested in "+paperID, collectionID, `DELETE FROM not_interested WHERE collection_id = $1 AND paper_id = $2`, collectionID, paperID)
	}
	return db.execChanging(ctx, "not interested in "+paperID, collectionID, `INSERT INTO not_interested (collection_id, paper_id, created_at)
		SELECT $1, p.id, $3 FROM papers p WHERE p.id = $2
		ON CONFLICT (collection_id, paper_id) DO UPDATE SET created_at = excluded.created_at`, collectionID, paperID, at.UnixMilli())
}

// NotInterested implements store.LibraryStore.
func (db *DB) NotInterested(ctx context.Context, collectionID int64) ([]string, error) {
	return db.queryIDs(ctx, "not interested", `SELECT paper_id FROM not_interested WHERE collection_id = $1 ORDER BY created_at, paper_id`, collectionID)
}
