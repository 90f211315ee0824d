package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

const paperColumns = `p.id, p.title, p.summary, p.authors, p.published_at, p.upvotes + p.user_votes,
	p.num_comments + p.user_comments, p.discussion_id, p.hidden_at IS NOT NULL, p.links_added_by,
	p.github_repo, p.github_repo_added_by, p.github_stars, p.project_page,
	p.ai_summary, p.ai_keywords, p.ai_summary_model, p.thumbnail, p.media_urls,
	p.daily_date, p.submitted_at, p.on_daily_at, p.author_participating,
	p.categories, p.comments, p.journal_ref, p.doi, p.report_no, p.license, p.submitter, p.versions, p.updated_at,
	p.listing_day, p.user_votes,
	o.name, o.object_id, o.fullname, o.avatar,
	u.name, u.object_id, u.fullname, u.avatar_url, u.type, u.is_pro`

// briefColumns are paperColumns with the long fields a card does not show
// read as empty values, so that scanPaper serves both.
var briefColumns = strings.NewReplacer(
	"p.summary,", "'',", "p.ai_summary,", "'',", "p.versions,", "'[]',",
	"p.comments,", "'',", "p.journal_ref,", "'',", "p.report_no,", "'',",
).Replace(paperColumns)

const paperFrom = ` FROM papers p
	LEFT JOIN organizations o ON o.name = p.organization
	LEFT JOIN users u ON u.name = p.submitted_by`

// FindPaperByID implements store.PaperStore.
func (db *DB) FindPaperByID(ctx context.Context, id string) (*model.Paper, error) {
	ps, err := db.findPapers(ctx, db.R, store.PaperFilter{IDs: []string{id}})
	if err != nil {
		return nil, fmt.Errorf("store: find paper %s: %w", id, err)
	}
	if len(ps) == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "paper %s not found", id)
	}
	return ps[0], nil
}

// FindPapers implements store.PaperStore.
func (db *DB) FindPapers(ctx context.Context, f store.PaperFilter) ([]*model.Paper, error) {
	ps, err := db.findPapers(ctx, db.R, f)
	if err != nil {
		return nil, fmt.Errorf("store: find papers: %w", err)
	}
	return ps, nil
}

// CountPapers implements store.PaperStore.
func (db *DB) CountPapers(ctx context.Context, f store.PaperFilter) (int, error) {
	where, args := paperWhere(f)
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM papers p`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count papers: %w", err)
	}
	return n, nil
}

// DailyDays implements store.PaperStore.
func (db *DB) DailyDays(ctx context.Context, d model.Date) (prev, next model.Date, err error) {
	return db.daysAround(ctx, "daily_date", d, "", []any{d.String()})
}

// daysAround returns the nearest values of the day column before and after
// d ($1 in args) among visible papers that also meet cond.
func (db *DB) daysAround(ctx context.Context, column string, d model.Date, cond string, args []any) (prev, next model.Date, err error) {
	var p, n sql.NullString
	err = db.R.QueryRowContext(ctx, `SELECT
		(SELECT MAX(p.`+column+`) FROM papers p WHERE p.`+column+` < $1 AND p.hidden_at IS NULL`+cond+`),
		(SELECT MIN(p.`+column+`) FROM papers p WHERE p.`+column+` > $1 AND p.hidden_at IS NULL`+cond+`)`, args...).Scan(&p, &n)
	if err != nil {
		return prev, next, fmt.Errorf("store: %s around %s: %w", column, d, err)
	}
	if p.Valid {
		prev, _ = model.ParseDate(p.String)
	}
	if n.Valid {
		next, _ = model.ParseDate(n.String)
	}
	return prev, next, nil
}

// LatestDailyDay implements store.PaperStore.
func (db *DB) LatestDailyDay(ctx context.Context) (model.Date, error) {
	var s sql.NullString
	if err := db.R.QueryRowContext(ctx, `SELECT MAX(daily_date) FROM papers WHERE hidden_at IS NULL`).Scan(&s); err != nil {
		return model.Date{}, fmt.Errorf("store: latest day: %w", err)
	}
	if !s.Valid {
		return model.Date{}, model.Errorf(model.ENOTFOUND, "no papers on the daily list yet")
	}
	return model.ParseDate(s.String)
}

func paperWhere(f store.PaperFilter) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.IDs) > 0 {
		ph := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			ph[i] = arg(id)
		}
		conds = append(conds, "p.id IN ("+strings.Join(ph, ",")+")")
	}
	if f.OnDaily {
		conds = append(conds, "p.daily_date IS NOT NULL")
	}
	if !f.IncludeHidden && len(f.IDs) == 0 {
		conds = append(conds, "p.hidden_at IS NULL")
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.daily_date >= "+arg(f.From.String()))
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.daily_date < "+arg(f.To.String()))
	}
	if f.Submitter != "" {
		conds = append(conds, "p.submitted_by = "+arg(f.Submitter))
	}
	if f.Organization != "" {
		conds = append(conds, "p.organization = "+arg(f.Organization))
	}
	if !f.Listed.IsZero() {
		conds = append(conds, "p.listing_day = "+arg(f.Listed.String()))
	}
	if c := categoryCond(f.Categories, arg); c != "" {
		conds = append(conds, c)
	}
	if f.ListedOnly {
		conds = append(conds, "p.listing_day IS NOT NULL")
	}
	if !f.Recent.IsZero() {
		conds = append(conds, "(p.published_at >= "+arg(f.Recent.UnixMilli())+" OR p.daily_date >= "+arg(model.DateOf(f.Recent).String())+")")
	}
	if f.UnreadBy != "" {
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM paper_states s WHERE s.user_name = "+arg(f.UnreadBy)+
			" AND s.paper_id = p.id AND s.read_at IS NOT NULL)")
	}
	if f.UnsavedBy != "" {
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM collection_items i JOIN collections c ON c.id = i.collection_id"+
			" WHERE c.owner = "+arg(f.UnsavedBy)+" AND i.paper_id = p.id)")
	}
	if k := f.ListedBefore; k != nil {
		d := arg(k.Day.String())
		conds = append(conds, "(p.listing_day < "+d+" OR (p.listing_day = "+d+" AND p.id < "+arg(k.ID)+"))")
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// categoryCond matches papers in any of cats: a category ("cs.LG",
// "hep-th") or a whole archive ("cs": every "cs.*"). Categories are stored
// space-separated, so " "||categories||" " holds " cs.LG " or " cs.".
func categoryCond(cats []string, arg func(any) string) string {
	var or []string
	for _, c := range cats {
		or = append(or, "(' ' || p.categories || ' ') LIKE "+arg("% "+c+" %"), "(' ' || p.categories || ' ') LIKE "+arg("% "+c+".%"))
	}
	if len(or) == 0 {
		return ""
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// categoryFilter is categoryCond as " AND …" ("" when cats is empty),
// its arguments appended to args.
func categoryFilter(cats []string, args *[]any) string {
	c := categoryCond(cats, func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	})
	if c == "" {
		return ""
	}
	return " AND " + c
}

func paperOrder(sort string) string {
	switch sort {
	case store.SortListing:
		return " ORDER BY p.upvotes + p.user_votes DESC, p.id"
	case store.SortArxiv:
		return " ORDER BY p.id"
	case store.SortListedDesc:
		return " ORDER BY p.listing_day DESC, p.id DESC"
	case store.SortUpvotes:
		return " ORDER BY p.upvotes + p.user_votes DESC, p.submitted_at DESC, p.id DESC"
	case store.SortPublished:
		return " ORDER BY p.published_at DESC, p.id DESC"
	}
	return " ORDER BY p.submitted_at DESC, p.id DESC"
}

func (db *DB) findPapers(ctx context.Context, q queryer, f store.PaperFilter) ([]*model.Paper, error) {
	where, args := paperWhere(f)
	cols := paperColumns
	if f.Brief {
		cols = briefColumns
	}
	query := `SELECT ` + cols + paperFrom + where + paperOrder(f.Sort)
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	if f.Offset > 0 {
		if f.Limit <= 0 {
			query += " LIMIT 9223372036854775807" // SQLite needs a LIMIT before OFFSET; PostgreSQL refuses -1
		}
		query += fmt.Sprintf(" OFFSET %d", f.Offset)
	}
	return db.queryPapers(ctx, q, query, args...)
}

func (db *DB) queryPapers(ctx context.Context, q queryer, query string, args ...any) ([]*model.Paper, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Paper
	var authors [][]authorJSON
	for rows.Next() {
		p, as, err := scanPaper(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
		authors = append(authors, as)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := fillAuthors(ctx, q, out, authors); err != nil {
		return nil, err
	}
	return out, nil
}

func scanPaper(rows *sql.Rows) (*model.Paper, []authorJSON, error) {
	var (
		p                                          model.Paper
		published, submitted, onDaily, updated     sql.NullInt64
		stars                                      sql.NullInt64
		authors, keywords, media, categories, vers string
		day, listed                                sql.NullString
		participating                              bool
		oName, oID, oFull, oAvatar                 sql.NullString
		uName, uID, uFull, uAvatar, uType          sql.NullString
		uPro                                       sql.NullBool
	)
	if err := rows.Scan(&p.ID, &p.Title, &p.Summary, &authors, &published, &p.Upvotes, &p.NumComments, &p.DiscussionID,
		&p.Hidden, &p.LinksAddedBy,
		&p.GithubRepo, &p.GithubRepoAddedBy, &stars, &p.ProjectPage,
		&p.AISummary, &keywords, &p.AISummaryModel, &p.Thumbnail, &media,
		&day, &submitted, &onDaily, &participating,
		&categories, &p.Comments, &p.JournalRef, &p.DOI, &p.ReportNo, &p.License, &p.Submitter, &vers, &updated,
		&listed, &p.LocalUpvotes,
		&oName, &oID, &oFull, &oAvatar,
		&uName, &uID, &uFull, &uAvatar, &uType, &uPro); err != nil {
		return nil, nil, fmt.Errorf("scan paper: %w", err)
	}
	p.PublishedAt, p.UpdatedAt = fromMS(published), fromMS(updated)
	if stars.Valid {
		n := int(stars.Int64)
		p.GithubStars = &n
	}
	if err := unmarshalList(keywords, &p.AIKeywords); err != nil {
		return nil, nil, fmt.Errorf("paper %s: ai_keywords: %w", p.ID, err)
	}
	if err := unmarshalList(media, &p.MediaURLs); err != nil {
		return nil, nil, fmt.Errorf("paper %s: media_urls: %w", p.ID, err)
	}
	as, err := decodeAuthors(authors)
	if err != nil {
		return nil, nil, fmt.Errorf("paper %s: authors: %w", p.ID, err)
	}
	p.Categories = strings.Fields(categories)
	if listed.Valid {
		p.ListingDay, _ = model.ParseDate(listed.String)
	}
	var vs []versionJSON
	if vers != "" && vers != "[]" {
		if err := json.Unmarshal([]byte(vers), &vs); err != nil {
			return nil, nil, fmt.Errorf("paper %s: versions: %w", p.ID, err)
		}
		for _, v := range vs {
			p.Versions = append(p.Versions, v.model())
		}
	}
	if oName.Valid {
		p.Organization = &model.Organization{Name: oName.String, ObjectID: oID.String, Fullname: oFull.String, Avatar: oAvatar.String}
	}
	if day.Valid {
		d, err := model.ParseDate(day.String)
		if err != nil {
			return nil, nil, fmt.Errorf("paper %s: daily_date: %w", p.ID, err)
		}
		p.Daily = &model.Submission{Day: d, SubmittedAt: fromMS(submitted), OnDailyAt: fromMS(onDaily),
			IsAuthorParticipating: participating}
		if uName.Valid {
			p.Daily.SubmittedBy = &model.User{Name: uName.String, ObjectID: uID.String, Fullname: uFull.String,
				AvatarURL: uAvatar.String, Type: uType.String, IsPro: uPro.Bool}
		}
	}
	return &p, as, nil
}

func unmarshalList(s string, dst *[]string) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), dst)
}

// fillAuthors turns the stored author lists into model authors, loading in
// one query the accounts of authors who claimed their entry.
func fillAuthors(ctx context.Context, q queryer, ps []*model.Paper, authors [][]authorJSON) error {
	var names []string
	for _, as := range authors {
		for _, a := range as {
			if a.User != "" {
				names = append(names, a.User)
			}
		}
	}
	users := map[string]*model.User{}
	if len(names) > 0 {
		var err error
		if users, err = findUsers(ctx, q, names); err != nil {
			return err
		}
	}
	for i, p := range ps {
		p.Authors = make([]model.Author, len(authors[i]))
		for j, a := range authors[i] {
			p.Authors[j] = a.model(users)
		}
	}
	return nil
}

func findUsers(ctx context.Context, q queryer, names []string) (map[string]*model.User, error) {
	ph := make([]string, len(names))
	args := make([]any, len(names))
	for i, n := range names {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), n
	}
	rows, err := q.QueryContext(ctx, `SELECT name, object_id, fullname, avatar_url, type, is_pro FROM users WHERE name IN (`+
		strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	out := map[string]*model.User{}
	for rows.Next() {
		var u model.User
		if err := rows.Scan(&u.Name, &u.ObjectID, &u.Fullname, &u.AvatarURL, &u.Type, &u.IsPro); err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		out[u.Name] = &u
	}
	return out, rows.Err()
}

// isNotFound reports whether err is a sql.ErrNoRows.
func isNotFound(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// ListingDays implements store.PaperStore.
func (db *DB) ListingDays(ctx context.Context, d model.Date, cats []string) (prev, next model.Date, err error) {
	args := []any{d.String()}
	cond := categoryFilter(cats, &args)
	return db.daysAround(ctx, "listing_day", d, cond, args)
}

// LatestListingDay implements store.PaperStore.
func (db *DB) LatestListingDay(ctx context.Context, cats []string) (model.Date, error) {
	var args []any
	cond := categoryFilter(cats, &args)
	var s sql.NullString
	if err := db.R.QueryRowContext(ctx, `SELECT MAX(p.listing_day) FROM papers p WHERE p.hidden_at IS NULL`+cond, args...).Scan(&s); err != nil {
		return model.Date{}, fmt.Errorf("store: latest listing day: %w", err)
	}
	if !s.Valid {
		return model.Date{}, model.Errorf(model.ENOTFOUND, "no arXiv listing yet")
	}
	return model.ParseDate(s.String)
}

// BackfillListingDays implements store.IngestStore: papers stored before
// listing days existed get theirs from their v1 time, in batches.
func (db *DB) BackfillListingDays(ctx context.Context, day func(v1 time.Time) model.Date) (int, error) {
	total := 0
	for {
		rows, err := db.R.QueryContext(ctx, `SELECT id, published_at FROM papers
			WHERE listing_day IS NULL AND categories <> '' AND published_at IS NOT NULL LIMIT 1000`)
		if err != nil {
			return total, fmt.Errorf("store: backfill listing days: %w", err)
		}
		type row struct {
			id string
			at int64
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.at); err != nil {
				rows.Close()
				return total, err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if len(batch) == 0 {
			return total, rows.Err()
		}
		err = db.inTx(ctx, func(tx *sql.Tx) error {
			for _, r := range batch {
				if _, err := tx.ExecContext(ctx, `UPDATE papers SET listing_day = $1 WHERE id = $2 AND listing_day IS NULL`,
					day(time.UnixMilli(r.at)).String(), r.id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("store: backfill listing days: %w", err)
		}
		total += len(batch)
	}
}
