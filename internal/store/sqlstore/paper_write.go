package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// upsertHFSQL writes what a Hugging Face record brings. Stored values stay
// where the incoming ones are empty, so a poorer record does not erase a
// richer one; counts take the incoming value; arXiv-owned columns are not
// touched. The daily-list submission is kept once made: a paper is
// submitted only once.
const upsertHFSQL = `INSERT INTO papers (
	id, title, summary, authors, authors_source, published_at, upvotes, num_comments, discussion_id,
	github_repo, github_repo_added_by, github_stars, project_page,
	ai_summary, ai_keywords, ai_summary_model, thumbnail, media_urls,
	organization, daily_date, submitted_at, on_daily_at, submitted_by, author_participating, updated_at
) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)
ON CONFLICT (id) DO UPDATE SET
	title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE papers.title END,
	summary = CASE WHEN excluded.summary <> '' THEN excluded.summary ELSE papers.summary END,
	authors = excluded.authors,
	authors_source = excluded.authors_source,
	published_at = COALESCE(papers.published_at, excluded.published_at),
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

// upsertArxivSQL writes what an arXiv record brings and leaves the daily-list
// fields (upvotes, organization, code links …) alone. arXiv is the authority
// for the v1 date, so its published_at wins.
const upsertArxivSQL = `INSERT INTO papers (
	id, title, summary, authors, authors_source, published_at, categories, comments, journal_ref,
	doi, report_no, license, submitter, versions, latest_version, updated_at, github_repo, github_repo_added_by, listing_day
) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)
ON CONFLICT (id) DO UPDATE SET
	listing_day = COALESCE(papers.listing_day, excluded.listing_day),
	title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE papers.title END,
	summary = CASE WHEN excluded.summary <> '' THEN excluded.summary ELSE papers.summary END,
	authors = excluded.authors,
	authors_source = excluded.authors_source,
	published_at = COALESCE(excluded.published_at, papers.published_at),
	categories = CASE WHEN excluded.categories <> '' THEN excluded.categories ELSE papers.categories END,
	comments = CASE WHEN excluded.comments <> '' THEN excluded.comments ELSE papers.comments END,
	journal_ref = CASE WHEN excluded.journal_ref <> '' THEN excluded.journal_ref ELSE papers.journal_ref END,
	doi = CASE WHEN excluded.doi <> '' THEN excluded.doi ELSE papers.doi END,
	report_no = CASE WHEN excluded.report_no <> '' THEN excluded.report_no ELSE papers.report_no END,
	license = CASE WHEN excluded.license <> '' THEN excluded.license ELSE papers.license END,
	submitter = CASE WHEN excluded.submitter <> '' THEN excluded.submitter ELSE papers.submitter END,
	versions = excluded.versions,
	latest_version = excluded.latest_version,
	github_repo = CASE WHEN papers.github_repo = '' THEN excluded.github_repo ELSE papers.github_repo END,
	github_repo_added_by = CASE WHEN papers.github_repo = '' THEN excluded.github_repo_added_by ELSE papers.github_repo_added_by END,
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

// UpsertPapers implements store.PaperStore.
func (db *DB) UpsertPapers(ctx context.Context, papers []*model.Paper) (store.UpsertResult, error) {
	return db.upsert(ctx, papers, sourceHF, store.Checkpoint{})
}

// UpsertArxiv implements store.IngestStore.
func (db *DB) UpsertArxiv(ctx context.Context, papers []*model.Paper, cp store.Checkpoint) (store.UpsertResult, error) {
	return db.upsert(ctx, papers, sourceArxiv, cp)
}

func (db *DB) upsert(ctx context.Context, papers []*model.Paper, source string, cp store.Checkpoint) (store.UpsertResult, error) {
	var res store.UpsertResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		w, err := prepareWriter(ctx, tx, source, db.Dialect)
		if err != nil {
			return err
		}
		defer w.close()
		now, err := db.stamp(ctx, tx)
		if err != nil {
			return err
		}
		// In id order, so that batches that overlap take their locks in
		// one order and cannot deadlock; a paper twice keeps its order.
		papers = slices.Clone(papers)
		slices.SortStableFunc(papers, func(a, b *model.Paper) int { return strings.Compare(a.ID, b.ID) })
		if err := w.writeAccounts(ctx, papers); err != nil {
			return err
		}
		res = store.UpsertResult{} // a retried transaction counts afresh
		if source == sourceArxiv && db.Dialect.KeyLocks() != "" && bulkable(papers) {
			existed, err := db.upsertArxivArrays(ctx, tx, papers, now)
			if err != nil {
				return fmt.Errorf("store: upsert %d papers: %w", len(papers), err)
			}
			res.Updated, res.Inserted = existed, len(papers)-existed
			return saveCheckpoint(ctx, tx, cp, now)
		}
		for _, p := range papers {
			if p.ID == "" || p.Title == "" {
				return model.Errorf(model.EINVALID, "paper %q: id and title are required", p.ID)
			}
			existed, err := w.write(ctx, p, now)
			if err != nil {
				return fmt.Errorf("store: upsert paper %s: %w", p.ID, err)
			}
			if existed {
				res.Updated++
			} else {
				res.Inserted++
			}
		}
		return saveCheckpoint(ctx, tx, cp, now)
	})
	if err != nil {
		return store.UpsertResult{}, err
	}
	return res, nil
}

// paperWriter holds the statements of one upsert transaction, prepared once
// for the whole batch.
type paperWriter struct {
	source                                          string
	lock, existing, paper, user, org, event, growth *sql.Stmt
	accountsDone                                    bool // writeAccounts ran: users and organizations are written
}

// Where the dialect needs it, each paper is locked by its id (it may not
// exist yet) and its row as it is read, so that two imports merging the
// authors of one paper both count.
func prepareWriter(ctx context.Context, tx *sql.Tx, source string, d Dialect) (*paperWriter, error) {
	w := &paperWriter{source: source}
	forUpdate := d.ForUpdate()
	if q := d.KeyLock(); q != "" {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		w.lock = st
	}
	upsert := upsertHFSQL
	if source == sourceArxiv {
		upsert = upsertArxivSQL
	}
	for _, s := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.existing, `SELECT authors, authors_source, versions, latest_version, upvotes FROM papers WHERE id = $1` + forUpdate},
		{&w.growth, `INSERT INTO hf_upvote_changes (paper_id, at, delta) VALUES ($1,$2,$3)`},
		{&w.paper, upsert},
		{&w.user, upsertUserSQL},
		{&w.org, upsertOrgSQL},
		{&w.event, `INSERT INTO paper_events (paper_id, version, kind, at) VALUES ($1,$2,'replaced',$3)
			ON CONFLICT (paper_id, version, kind) DO NOTHING`},
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
	for _, st := range []*sql.Stmt{w.lock, w.existing, w.paper, w.user, w.org, w.event, w.growth} {
		if st != nil {
			_ = st.Close()
		}
	}
}

// stored is what the writer reads of a paper before merging into it.
type stored struct {
	exists        bool
	authors       []authorJSON
	authorsSource string
	versions      []versionJSON
	latest        int
	upvotes       int // Hugging Face's count as stored
}

func (w *paperWriter) read(ctx context.Context, id string) (stored, error) {
	var s stored
	var authors, versions string
	if w.lock != nil {
		if _, err := w.lock.ExecContext(ctx, id); err != nil {
			return s, fmt.Errorf("lock: %w", err)
		}
	}
	err := w.existing.QueryRowContext(ctx, id).Scan(&authors, &s.authorsSource, &versions, &s.latest, &s.upvotes)
	if err == sql.ErrNoRows {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	s.exists = true
	if s.authors, err = decodeAuthors(authors); err != nil {
		return s, fmt.Errorf("stored authors: %w", err)
	}
	if versions != "" {
		if err := json.Unmarshal([]byte(versions), &s.versions); err != nil {
			return s, fmt.Errorf("stored versions: %w", err)
		}
	}
	return s, nil
}

func (w *paperWriter) write(ctx context.Context, p *model.Paper, now int64) (bool, error) {
	old, err := w.read(ctx, p.ID)
	if err != nil {
		return false, err
	}
	authors, authorsSource := mergeAuthors(old.authors, old.authorsSource, authorsOf(p.ID, p.Authors), w.source)
	for _, a := range p.Authors {
		if a.User != nil && a.User.Name != "" {
			if err := w.writeUser(ctx, a.User); err != nil {
				return old.exists, err
			}
		}
	}
	authorsText := marshalAuthors(authors)
	if w.source == sourceArxiv {
		return old.exists, w.writeArxiv(ctx, p, old, authorsText, authorsSource, now)
	}
	if err := w.writeHF(ctx, p, authorsText, authorsSource, now); err != nil {
		return old.exists, err
	}
	if old.exists && p.Upvotes > old.upvotes {
		if _, err := w.growth.ExecContext(ctx, p.ID, now, p.Upvotes-old.upvotes); err != nil {
			return true, fmt.Errorf("upvote growth: %w", err)
		}
	}
	return old.exists, nil
}

func (w *paperWriter) writeHF(ctx context.Context, p *model.Paper, authors, authorsSource string, now int64) error {
	var org, submitter, day, submittedAt, onDailyAt any
	if o := p.Organization; o != nil && o.Name != "" {
		org = o.Name // written by writeAccounts
	}
	if d := p.Daily; d != nil {
		day, submittedAt, onDailyAt = d.Day.String(), ms(d.SubmittedAt), ms(d.OnDailyAt)
		if u := d.SubmittedBy; u != nil && u.Name != "" {
			if err := w.writeUser(ctx, u); err != nil {
				return err
			}
			submitter = u.Name
		}
	}
	var stars any
	if p.GithubStars != nil {
		stars = *p.GithubStars
	}
	participating := p.Daily != nil && p.Daily.IsAuthorParticipating
	_, err := w.paper.ExecContext(ctx,
		p.ID, p.Title, p.Summary, authors, authorsSource, ms(p.PublishedAt), p.Upvotes, p.NumComments, p.DiscussionID,
		p.GithubRepo, p.GithubRepoAddedBy, stars, p.ProjectPage,
		p.AISummary, jsonList(p.AIKeywords), p.AISummaryModel, p.Thumbnail, jsonList(p.MediaURLs),
		org, day, submittedAt, onDailyAt, submitter, participating, now)
	return err
}

// writeArxiv merges the version history and records each version that is
// newer than what was stored as a "replaced" event.
func (w *paperWriter) writeArxiv(ctx context.Context, p *model.Paper, old stored, authors, authorsSource string, now int64) error {
	versions, latest, published := arxivVersions(p, old)
	if _, err := w.paper.ExecContext(ctx, p.ID, p.Title, p.Summary, authors, authorsSource, published,
		strings.Join(p.Categories, " "), p.Comments, p.JournalRef, p.DOI, p.ReportNo, p.License, p.Submitter,
		encodeVersions(versions), latest, now, p.GithubRepo, p.GithubRepoAddedBy, nullDate(p.ListingDay)); err != nil {
		return err
	}
	if !old.exists || old.latest == 0 {
		return nil
	}
	for _, v := range versions {
		if v.V > old.latest {
			at := v.Created
			if at == 0 {
				at = now
			}
			if _, err := w.event.ExecContext(ctx, p.ID, v.V, at); err != nil {
				return fmt.Errorf("version event: %w", err)
			}
		}
	}
	return nil
}

// arxivVersions merges an arXiv record's versions into the stored ones and
// returns them with the latest number and the v1 time (arXiv's record
// wins, else v1's date).
func arxivVersions(p *model.Paper, old stored) ([]versionJSON, int, any) {
	versions := mergeVersions(old.versions, versionsOf(p.Versions))
	latest := 0
	for _, v := range versions {
		latest = max(latest, v.V)
	}
	published := ms(p.PublishedAt)
	if published == nil && len(versions) > 0 && versions[0].V == 1 && versions[0].Created != 0 {
		published = versions[0].Created
	}
	return versions, latest, published
}

// writeAccounts writes the users and organizations a batch names, each
// once and in name order, before any paper: batches that share some take
// their row locks in one order and cannot deadlock.
func (w *paperWriter) writeAccounts(ctx context.Context, papers []*model.Paper) error {
	users := map[string]*model.User{}
	orgs := map[string]*model.Organization{}
	for _, p := range papers {
		for _, a := range p.Authors {
			if a.User != nil && a.User.Name != "" {
				users[a.User.Name] = a.User
			}
		}
		if w.source == sourceArxiv {
			continue // arXiv records name no accounts
		}
		if p.Daily != nil && p.Daily.SubmittedBy != nil && p.Daily.SubmittedBy.Name != "" {
			users[p.Daily.SubmittedBy.Name] = p.Daily.SubmittedBy
		}
		if o := p.Organization; o != nil && o.Name != "" {
			orgs[o.Name] = o
		}
	}
	for _, name := range slices.Sorted(maps.Keys(users)) {
		if err := w.writeUser(ctx, users[name]); err != nil {
			return err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(orgs)) {
		o := orgs[name]
		if _, err := w.org.ExecContext(ctx, o.Name, orID(o.ObjectID, "org", o.Name), o.Fullname, o.Avatar); err != nil {
			return fmt.Errorf("organization %s: %w", o.Name, err)
		}
	}
	w.accountsDone = true
	return nil
}

func (w *paperWriter) writeUser(ctx context.Context, u *model.User) error {
	if w.accountsDone {
		return nil // written by writeAccounts
	}
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

// nullDate is d as stored text, or NULL for the zero date.
func nullDate(d model.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}
