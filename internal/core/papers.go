// Package core holds the use cases of the site and API over the store: which
// papers a list shows, in what order, and how a query finds them. HTML pages,
// the JSON API and feeds all call it, so they cannot disagree.
package core

import (
	"context"
	"log/slog"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
)

// Papers is the paper-listing service.
type Papers struct {
	Store  store.Store
	Search *search.Index
	Log    *slog.Logger
	Now    func() time.Time
}

// Sort orders accepted by List, named as in the Hugging Face API.
const (
	SortPublishedAt = "publishedAt" // newest submission first; upvotes first within a period
	SortTrending    = "trending"
	SortUpvotes     = "upvotes"
)

// ListQuery selects a page of the daily list.
type ListQuery struct {
	Period       *model.Period // nil: all days
	Submitter    string
	Organization string
	Sort         string
	Page         int // 0-based
	Limit        int
}

// List returns one page of papers, and whether a further page exists.
func (s *Papers) List(ctx context.Context, q ListQuery) ([]*model.Paper, bool, error) {
	if q.Sort == SortTrending {
		return s.trending(ctx, q)
	}
	f := store.PaperFilter{OnDaily: true, Submitter: q.Submitter, Organization: q.Organization,
		Sort: store.SortSubmitted, Offset: q.Page * q.Limit, Limit: q.Limit + 1}
	if q.Period != nil {
		f.From, f.To = q.Period.Start, q.Period.End
		f.Sort = store.SortUpvotes // a day, week or month is ranked by upvotes
	}
	if q.Sort == SortUpvotes {
		f.Sort = store.SortUpvotes
	}
	ps, err := s.Store.FindPapers(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trim(ps, q.Limit)
}

func trim(ps []*model.Paper, limit int) ([]*model.Paper, bool, error) {
	if len(ps) > limit {
		return ps[:limit], true, nil
	}
	return ps, false, nil
}

// TrendingWindow is how far back trending looks, from the latest day with
// papers (not from the wall clock, so a quiet instance still trends).
const TrendingWindow = 30 * 24 * time.Hour

// TrendingScore ranks by upvotes with time decay, as on Hacker News:
// (upvotes + 1) / (age in hours + 2)^1.5, age counted from submission to the
// latest submission. Written out on the page so that users can see why a
// paper ranks where it does.
func TrendingScore(upvotes int, age time.Duration) float64 {
	h := math.Max(age.Hours(), 0)
	return float64(upvotes+1) / math.Pow(h+2, 1.5)
}

// TrendingFormula is TrendingScore in words, for the page.
const TrendingFormula = "score = (upvotes + 1) / (hours since submission + 2)^1.5, over the last 30 days"

func (s *Papers) trending(ctx context.Context, q ListQuery) ([]*model.Paper, bool, error) {
	latest, err := s.Store.LatestDailyDay(ctx)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	end := latest.AddDays(1)
	from := model.DateOf(end.Time().Add(-TrendingWindow))
	ps, err := s.Store.FindPapers(ctx, store.PaperFilter{From: from, To: end, Submitter: q.Submitter,
		Organization: q.Organization, Sort: store.SortUpvotes})
	if err != nil {
		return nil, false, err
	}
	ref := end.Time()
	score := func(p *model.Paper) float64 { return TrendingScore(p.Upvotes, ref.Sub(p.Daily.SubmittedAt)) }
	sort.SliceStable(ps, func(i, j int) bool { return score(ps[i]) > score(ps[j]) })
	start := min(q.Page*q.Limit, len(ps))
	return trim(ps[start:], q.Limit)
}

// Paper returns one paper by arXiv id, accepting "arXiv:" prefixes and
// version suffixes.
func (s *Papers) Paper(ctx context.Context, rawID string) (*model.Paper, error) {
	id, err := model.NormalizeArxivID(rawID)
	if err != nil {
		return nil, model.Errorf(model.ENOTFOUND, "paper %q not found", rawID)
	}
	return s.Store.FindPaperByID(ctx, id)
}

// MaxQueryLen bounds search queries, as Hugging Face does (250 characters).
const MaxQueryLen = 250

// SearchPapers returns up to limit papers matching q, best first.
func (s *Papers) SearchPapers(ctx context.Context, q string, limit int) ([]*model.Paper, error) {
	q = strings.TrimSpace(q)
	if len([]rune(q)) > MaxQueryLen {
		return nil, model.Errorf(model.EINVALID, "query too long: at most %d characters", MaxQueryLen)
	}
	if q == "" {
		return nil, nil
	}
	if id, err := model.NormalizeArxivID(q); err == nil {
		if p, err := s.Store.FindPaperByID(ctx, id); err == nil {
			return []*model.Paper{p}, nil
		}
	}
	if err := s.Search.Sync(ctx); err != nil {
		s.Log.Warn("search index sync failed; results may be stale", slog.Any("error", err))
	}
	hits := s.Search.Search(q, limit)
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	ps, err := s.Store.FindPapers(ctx, store.PaperFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*model.Paper, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	out := make([]*model.Paper, 0, len(hits))
	for _, h := range hits {
		if p := byID[h.ID]; p != nil {
			out = append(out, p)
		}
	}
	return out, nil
}
