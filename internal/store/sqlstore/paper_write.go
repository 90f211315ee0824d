package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// upsertPaperSQL keeps stored values where the incoming ones are empty, so a
// source with fewer fields (an arXiv record) does not erase what a richer one
// (a Hugging Face dump) brought. Counts always take the incoming value. The
// daily-list submission is kept once made: a paper is submitted only once.
const upsertPaperSQL = `INSERT INTO papers (
	id, title, summary, published_at, upvotes, num_comments, discussion_id,
	github_repo, github_repo_added_by, github_stars, project_page,
	ai_summary, ai_keywords, ai_summary_model, thumbnail, media_urls,
	organization, daily_date, submitted_at, on_daily_at, submitted_by, author_participating, updated_at
) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)
ON CONFLICT (id) DO UPDATE SET
	title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE papers.title END,
	summary = CASE WHEN excluded.summary <> '' THEN excluded.summary ELSE papers.summary END,
	published_at = COALESCE(excluded.published_at, papers.published_at),
	upvotes = excluded.upvotes,
	num_comments = excluded.num_comments,
	discussion_id = CASE WHEN excluded.discussion_id <> '' THEN excluded.discussion_id ELSE papers.discussion_id END,
	github_repo = CASE WHEN excluded.github_repo <> '' THEN excluded.github_repo ELSE papers.github_repo END,
	github_repo_added_by = CASE WHEN excluded.github_repo_added_by <> '' THEN excluded.github_repo_added_by ELSE papers.github_repo_added_by END,
	github_stars = COALESCE(excluded.github_stars, papers.github_stars),
	project_page = CASE WHEN excluded.project_page <> '' THEN excluded.project_page ELSE papers.project_page END,
	ai_summary = CASE WHEN excluded.ai_summary <> '' THEN excluded.ai_summary ELSE papers.ai_summary END,
	ai_keywords = CASE WHEN excluded.ai_keywords <> '' THEN excluded.ai_keywords ELSE papers.ai_keywords END,
	ai_summary_model = CASE WHEN excluded.ai_summary_model <> '' THEN excluded.ai_summary_model ELSE papers.ai_summary_model END,
	thumbnail = CASE WHEN excluded.thumbnail <> '' THEN excluded.thumbnail ELSE papers.thumbnail END,
	media_urls = CASE WHEN excluded.media_urls <> '' THEN excluded.media_urls ELSE papers.media_urls END,
	organization = COALESCE(excluded.organization, papers.organization),
	daily_date = COALESCE(papers.daily_date, excluded.daily_date),
	submitted_at = COALESCE(papers.submitted_at, excluded.submitted_at),
	on_daily_at = COALESCE(papers.on_daily_at, excluded.on_daily_at),
	submitted_by = COALESCE(papers.submitted_by, excluded.submitted_by),
	author_participating = excluded.author_participating OR papers.author_participating,
	updated_at = excluded.updated_at`

const upsertUserSQL = `INSERT INTO users (name, object_id, fullname, avatar_url, type, is_pro)
VALUES ($1,$2,$3,$4,$5,$6)
ON CONFLICT (name) DO UPDATE SET
	fullname = CASE WHEN excluded.fullname <> '' THEN excluded.fullname ELSE users.fullname END,
	avatar_url = CASE WHEN excluded.avatar_url <> '' THEN excluded.avatar_url ELSE users.avatar_url END,
	is_pro = excluded.is_pro`

const upsertOrgSQL = `INSERT INTO organizations (name, object_id, fullname, avatar)
VALUES ($1,$2,$3,$4)
ON CONFLICT (name) DO UPDATE SET
	fullname = CASE WHEN excluded.fullname <> '' THEN excluded.fullname ELSE organizations.fullname END,
	avatar = CASE WHEN excluded.avatar <> '' THEN excluded.avatar ELSE organizations.avatar END`

const insertAuthorSQL = `INSERT INTO paper_authors
	(paper_id, position, object_id, name, hidden, status, status_changed_at, user_name)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`

// UpsertPapers implements store.PaperStore.
func (db *DB) UpsertPapers(ctx context.Context, papers []*model.Paper) (store.UpsertResult, error) {
	var res store.UpsertResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		w, err := prepareWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		now := db.Now()
		for _, p := range papers {
			if p.ID == "" || p.Title == "" {
				return model.Errorf(model.EINVALID, "paper %q: id and title are required", p.ID)
			}
			existed, err := w.write(ctx, p, now.UnixMilli())
			if err != nil {
				return fmt.Errorf("store: upsert paper %s: %w", p.ID, err)
			}
			if existed {
				res.Updated++
			} else {
				res.Inserted++
			}
		}
		return nil
	})
	if err != nil {
		return store.UpsertResult{}, err
	}
	return res, nil
}

// paperWriter holds the statements of one upsert transaction, prepared once
// for the whole batch.
type paperWriter struct {
	exists, paper, user, org, delAuthors, author *sql.Stmt
}

func prepareWriter(ctx context.Context, tx *sql.Tx) (*paperWriter, error) {
	w := &paperWriter{}
	for _, s := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.exists, `SELECT 1 FROM papers WHERE id = $1`},
		{&w.paper, upsertPaperSQL},
		{&w.user, upsertUserSQL},
		{&w.org, upsertOrgSQL},
		{&w.delAuthors, `DELETE FROM paper_authors WHERE paper_id = $1`},
		{&w.author, insertAuthorSQL},
	} {
		st, err := tx.PrepareContext(ctx, s.sql)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		*s.dst = st
	}
	return w, nil
}

func (w *paperWriter) close() {
	for _, st := range []*sql.Stmt{w.exists, w.paper, w.user, w.org, w.delAuthors, w.author} {
		if st != nil {
			_ = st.Close()
		}
	}
}

func (w *paperWriter) write(ctx context.Context, p *model.Paper, now int64) (existed bool, err error) {
	var one int
	switch err := w.exists.QueryRowContext(ctx, p.ID).Scan(&one); err {
	case nil:
		existed = true
	case sql.ErrNoRows:
	default:
		return false, err
	}
	var org, submitter, day, submittedAt, onDailyAt any
	if o := p.Organization; o != nil && o.Name != "" {
		if _, err := w.org.ExecContext(ctx, o.Name, orID(o.ObjectID, "org", o.Name), o.Fullname, o.Avatar); err != nil {
			return existed, fmt.Errorf("organization %s: %w", o.Name, err)
		}
		org = o.Name
	}
	if d := p.Daily; d != nil {
		day, submittedAt, onDailyAt = d.Day.String(), ms(d.SubmittedAt), ms(d.OnDailyAt)
		if u := d.SubmittedBy; u != nil && u.Name != "" {
			if err := w.writeUser(ctx, u); err != nil {
				return existed, err
			}
			submitter = u.Name
		}
	}
	var stars any
	if p.GithubStars != nil {
		stars = *p.GithubStars
	}
	participating := p.Daily != nil && p.Daily.IsAuthorParticipating
	if _, err := w.paper.ExecContext(ctx,
		p.ID, p.Title, p.Summary, ms(p.PublishedAt), p.Upvotes, p.NumComments, p.DiscussionID,
		p.GithubRepo, p.GithubRepoAddedBy, stars, p.ProjectPage,
		p.AISummary, jsonList(p.AIKeywords), p.AISummaryModel, p.Thumbnail, jsonList(p.MediaURLs),
		org, day, submittedAt, onDailyAt, submitter, participating, now); err != nil {
		return existed, err
	}
	if len(p.Authors) == 0 {
		return existed, nil
	}
	if _, err := w.delAuthors.ExecContext(ctx, p.ID); err != nil {
		return existed, err
	}
	for i, a := range p.Authors {
		var user any
		if a.User != nil && a.User.Name != "" {
			if err := w.writeUser(ctx, a.User); err != nil {
				return existed, err
			}
			user = a.User.Name
		}
		var changed any
		if a.StatusLastChangedAt != nil {
			changed = a.StatusLastChangedAt.UnixMilli()
		}
		oid := orID(a.ObjectID, "author", fmt.Sprintf("%s/%d", p.ID, i))
		if _, err := w.author.ExecContext(ctx, p.ID, i, oid, a.Name, a.Hidden, a.Status, changed, user); err != nil {
			return existed, fmt.Errorf("author %d: %w", i, err)
		}
	}
	return existed, nil
}

func (w *paperWriter) writeUser(ctx context.Context, u *model.User) error {
	typ := u.Type
	if typ == "" {
		typ = "user"
	}
	if _, err := w.user.ExecContext(ctx, u.Name, orID(u.ObjectID, "user", u.Name), u.Fullname, u.AvatarURL, typ, u.IsPro); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	return nil
}

// orID returns id, or a stable derived object id when the source had none.
func orID(id, kind, key string) string {
	if id != "" {
		return id
	}
	return model.ObjectID(kind, key)
}

// jsonList stores a string list as a JSON array, "" for an empty list so that
// the upsert's "keep when empty" rule applies.
func jsonList(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	b, _ := json.Marshal(xs)
	return string(b)
}
