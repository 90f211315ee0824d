package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// SubmitPaper implements store.CurationStore.
func (db *DB) SubmitPaper(ctx context.Context, s store.Submission) error {
	paperID := s.PaperID
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now().UnixMilli()
		if s.Cap > 0 {
			if err := db.checkCap(ctx, tx, s); err != nil {
				return err
			}
		}
		var orgArg any
		if s.Org != "" {
			orgArg = s.Org
		}
		// One conditional statement: of two submissions racing for one
		// paper, exactly one finds daily_date still empty.
		st, err := db.stamp(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE papers SET daily_date = $1, submitted_at = $2, on_daily_at = $2, submitted_by = $3,
			organization = COALESCE($4, organization), updated_at = $6 WHERE id = $5 AND daily_date IS NULL AND hidden_at IS NULL`,
			s.Day.String(), now, s.User, orgArg, paperID, st)
		if err != nil {
			return fmt.Errorf("store: submit %s: %w", paperID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var existing sql.NullString
		var hidden bool
		err = tx.QueryRowContext(ctx, `SELECT daily_date, hidden_at IS NOT NULL FROM papers WHERE id = $1`, paperID).Scan(&existing, &hidden)
		switch {
		case isNotFound(err):
			return model.Errorf(model.ENOTFOUND, "paper %s not found", paperID)
		case err != nil:
			return err
		case existing.Valid:
			return model.Errorf(model.ECONFLICT, "paper %s was already submitted (on the list of %s)", paperID, existing.String)
		}
		return model.Errorf(model.EFORBIDDEN, "paper %s was hidden by moderators", paperID)
	})
}

// checkCap refuses a submission past the user's cap. The user's row is
// locked first, so two submissions of one user are counted one after the
// other.
func (db *DB) checkCap(ctx context.Context, tx *sql.Tx, s store.Submission) error {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE name = $1`+db.Dialect.ForUpdate(), s.User).Scan(&name)
	if isNotFound(err) {
		return model.Errorf(model.ENOTFOUND, "no account %s", s.User)
	}
	if err != nil {
		return fmt.Errorf("store: submit: lock %s: %w", s.User, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM papers WHERE submitted_by = $1 AND submitted_at >= $2`,
		s.User, s.Since.UnixMilli()).Scan(&n); err != nil {
		return fmt.Errorf("store: count submissions: %w", err)
	}
	if n >= s.Cap {
		return model.Errorf(model.ELIMIT, "you have submitted %d papers in the last 24 hours, the most allowed", n)
	}
	return nil
}

// CountSubmissions implements store.CurationStore.
func (db *DB) CountSubmissions(ctx context.Context, user string, since time.Time) (int, error) {
	var n int
	err := db.W.QueryRowContext(ctx, `SELECT COUNT(*) FROM papers WHERE submitted_by = $1 AND submitted_at >= $2`,
		user, since.UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count submissions: %w", err)
	}
	return n, nil
}

// SetLinks implements store.CurationStore.
func (db *DB) SetLinks(ctx context.Context, paperID, githubRepo, projectPage, addedBy, by string) error {
	return db.exec(ctx, "paper "+paperID, `UPDATE papers SET github_repo = $1, project_page = $2, github_repo_added_by = $3,
		links_added_by = $4, updated_at = $5 WHERE id = $6`, githubRepo, projectPage, addedBy, by, stampArg{}, paperID)
}

// SetPaperHidden implements store.CurationStore.
func (db *DB) SetPaperHidden(ctx context.Context, paperID string, hidden bool) error {
	var at any
	if hidden {
		at = db.Now().UnixMilli()
	}
	return db.exec(ctx, "paper "+paperID, `UPDATE papers SET hidden_at = $1, updated_at = $2 WHERE id = $3`, at, stampArg{}, paperID)
}

// CreateOrganization implements store.CurationStore.
func (db *DB) CreateOrganization(ctx context.Context, o *model.Organization) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO organizations (name, object_id, fullname, avatar) VALUES ($1,$2,$3,$4)
			ON CONFLICT (name) DO NOTHING`, o.Name, model.ObjectID("org", o.Name), o.Fullname, o.Avatar)
		if err != nil {
			return fmt.Errorf("store: create organization: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "organization %s exists", o.Name)
		}
		return nil
	})
}

// SetAuthorParticipating implements store.CurationStore.
func (db *DB) SetAuthorParticipating(ctx context.Context, paperID string) error {
	return db.exec(ctx, "paper "+paperID, `UPDATE papers SET author_participating = TRUE, updated_at = $1 WHERE id = $2`,
		stampArg{}, paperID)
}

// CreateClaim implements store.CurationStore.
func (db *DB) CreateClaim(ctx context.Context, c *model.Claim) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO author_claims (paper_id, position, user_name, status, created_at)
			VALUES ($1,$2,$3,'pending',$4) ON CONFLICT (paper_id, position, user_name) DO NOTHING RETURNING id`,
			c.PaperID, c.Position, c.User, db.Now().UnixMilli()).Scan(&id)
		if isNotFound(err) {
			return model.Errorf(model.ECONFLICT, "you already claimed this author entry")
		}
		return err
	})
	return id, err
}

// FindClaims implements store.CurationStore.
func (db *DB) FindClaims(ctx context.Context, status string) ([]*model.Claim, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, paper_id, position, user_name, status, created_at, COALESCE(decided_by, '')
		FROM author_claims WHERE status = $1 ORDER BY id`, status)
	if err != nil {
		return nil, fmt.Errorf("store: find claims: %w", err)
	}
	defer rows.Close()
	var out []*model.Claim
	for rows.Next() {
		var c model.Claim
		var created int64
		if err := rows.Scan(&c.ID, &c.PaperID, &c.Position, &c.User, &c.Status, &created, &c.DecidedBy); err != nil {
			return nil, err
		}
		c.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, &c)
	}
	return out, rows.Err()
}

// DecideClaim implements store.CurationStore.
func (db *DB) DecideClaim(ctx context.Context, id int64, status, by string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// One conditional statement decides: of two moderators deciding
		// at once, exactly one finds the claim still pending.
		var paperID, user string
		var pos int
		now := db.Now().UnixMilli()
		err := tx.QueryRowContext(ctx, `UPDATE author_claims SET status = $1, decided_by = $2, decided_at = $3
			WHERE id = $4 AND status = 'pending' RETURNING paper_id, position, user_name`, status, by, now, id).
			Scan(&paperID, &pos, &user)
		if isNotFound(err) {
			return model.Errorf(model.ENOTFOUND, "no pending claim %d", id)
		}
		if err != nil {
			return err
		}
		if status != model.ClaimApproved {
			return nil
		}
		var authors string
		if err := tx.QueryRowContext(ctx, `SELECT authors FROM papers WHERE id = $1`+db.Dialect.ForUpdate(), paperID).Scan(&authors); err != nil {
			return err
		}
		list, err := decodeAuthors(authors)
		if err != nil || pos < 0 || pos >= len(list) {
			return model.Errorf(model.EINVALID, "paper %s has no author %d", paperID, pos)
		}
		list[pos].User, list[pos].Status, list[pos].Changed = user, "claimed_verified", now
		st, err := db.stamp(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE papers SET authors = $1, updated_at = $2 WHERE id = $3`, marshalAuthors(list), st, paperID)
		return err
	})
}

// ClaimedPapers implements store.CurationStore.
func (db *DB) ClaimedPapers(ctx context.Context, user string) ([]string, error) {
	return db.queryIDs(ctx, "claimed papers", `SELECT paper_id FROM author_claims WHERE user_name = $1 AND status = 'approved' ORDER BY id`, user)
}

// LogModAction implements store.CurationStore.
func (db *DB) LogModAction(ctx context.Context, a *model.ModAction) error {
	return db.exec(ctx, "log moderation", `INSERT INTO mod_actions (actor, action, target, reason, created_at) VALUES ($1,$2,$3,$4,$5)`,
		a.Actor, a.Action, a.Target, a.Reason, db.Now().UnixMilli())
}

// RecentModActions implements store.CurationStore.
func (db *DB) RecentModActions(ctx context.Context, limit int) ([]*model.ModAction, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, actor, action, target, reason, created_at FROM mod_actions
		ORDER BY created_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: moderation log: %w", err)
	}
	defer rows.Close()
	var out []*model.ModAction
	for rows.Next() {
		var a model.ModAction
		var at int64
		if err := rows.Scan(&a.ID, &a.Actor, &a.Action, &a.Target, &a.Reason, &at); err != nil {
			return nil, err
		}
		a.CreatedAt = time.UnixMilli(at).UTC()
		out = append(out, &a)
	}
	return out, rows.Err()
}
