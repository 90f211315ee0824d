package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/quire/quire/internal/model"
)

// CreateComment implements store.CommentStore.
func (db *DB) CreateComment(ctx context.Context, c *model.Comment) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var parent any
		if c.ParentID != 0 {
			parent = c.ParentID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO comments (paper_id, user_name, parent_id, body, created_at)
			VALUES ($1,$2,$3,$4,$5) RETURNING id`, c.PaperID, c.User, parent, c.Body, db.Now().UnixMilli()).Scan(&id); err != nil {
			return fmt.Errorf("store: create comment: %w", err)
		}
		return db.bumpComments(ctx, tx, c.PaperID, 1)
	})
	return id, err
}

func (db *DB) bumpComments(ctx context.Context, tx *sql.Tx, paperID string, delta int) error {
	st, err := db.stamp(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE papers SET user_comments = user_comments + $1, updated_at = $2 WHERE id = $3`,
		delta, st, paperID)
	if err != nil {
		return fmt.Errorf("store: comment count: %w", err)
	}
	return nil
}

// commentColumns give the author of a deleted account as "" (the comment
// stays in its thread, shown as by a deleted user).
const commentColumns = `id, paper_id,
	CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.name = comments.user_name AND u.deleted_at IS NOT NULL) THEN '' ELSE user_name END,
	COALESCE(parent_id, 0), body, created_at, edited_at, deleted_at, hidden_at, COALESCE(hidden_by, '')`

func scanComment(scan func(...any) error) (*model.Comment, error) {
	var c model.Comment
	var created, edited, deleted, hidden sql.NullInt64
	if err := scan(&c.ID, &c.PaperID, &c.User, &c.ParentID, &c.Body, &created, &edited, &deleted, &hidden, &c.HiddenBy); err != nil {
		return nil, err
	}
	c.CreatedAt, c.EditedAt, c.DeletedAt, c.HiddenAt = fromMS(created), fromMS(edited), fromMS(deleted), fromMS(hidden)
	return &c, nil
}

// FindComment implements store.CommentStore.
func (db *DB) FindComment(ctx context.Context, id int64) (*model.Comment, error) {
	c, err := scanComment(db.W.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = $1`, id).Scan)
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "comment %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find comment %d: %w", id, err)
	}
	return c, nil
}

// FindComments implements store.CommentStore.
func (db *DB) FindComments(ctx context.Context, paperID string) ([]*model.Comment, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE paper_id = $1 ORDER BY created_at, id`, paperID)
	if err != nil {
		return nil, fmt.Errorf("store: find comments: %w", err)
	}
	defer rows.Close()
	var out []*model.Comment
	for rows.Next() {
		c, err := scanComment(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateComment implements store.CommentStore.
func (db *DB) UpdateComment(ctx context.Context, id int64, body string) error {
	return db.exec(ctx, fmt.Sprintf("comment %d", id), `UPDATE comments SET body = $1, edited_at = $2 WHERE id = $3 AND deleted_at IS NULL`,
		body, db.Now().UnixMilli(), id)
}

// DeleteComment implements store.CommentStore.
func (db *DB) DeleteComment(ctx context.Context, id int64) error {
	return db.changeVisibility(ctx, id, `UPDATE comments SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL`, db.Now().UnixMilli(), id)
}

// SetCommentHidden implements store.CommentStore.
func (db *DB) SetCommentHidden(ctx context.Context, id int64, hidden bool, by string) error {
	if hidden {
		return db.changeVisibility(ctx, id, `UPDATE comments SET hidden_at = $1, hidden_by = $2 WHERE id = $3 AND hidden_at IS NULL`,
			db.Now().UnixMilli(), by, id)
	}
	return db.changeVisibility(ctx, id, `UPDATE comments SET hidden_at = NULL, hidden_by = NULL WHERE id = $1 AND hidden_at IS NOT NULL`, id)
}

// changeVisibility runs an update and moves the paper's comment count by
// the change in visibility it caused. The comment's row is locked from the
// first read: a hide racing a delete must not both count the comment as
// visible before.
func (db *DB) changeVisibility(ctx context.Context, id int64, query string, args ...any) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanComment(tx.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = $1`+db.Dialect.ForUpdate(), id).Scan)
		if isNotFound(err) {
			return model.Errorf(model.ENOTFOUND, "comment %d not found", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("store: comment %d: %w", id, err)
		}
		after, err := scanComment(tx.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = $1`, id).Scan)
		if err != nil {
			return err
		}
		switch {
		case before.Visible() && !after.Visible():
			return db.bumpComments(ctx, tx, after.PaperID, -1)
		case !before.Visible() && after.Visible():
			return db.bumpComments(ctx, tx, after.PaperID, 1)
		}
		return nil
	})
}
