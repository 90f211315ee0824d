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
	Window       string // trending: day, week (default) or month
	Page         int    // 0-based
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

// Trending windows.
var TrendingWindows = map[string]time.Duration{"day": 24 * time.Hour, "week": 7 * 24 * time.Hour, "month": 30 * 24 * time.Hour}

// TrendingScore is the recent upvote velocity of a paper: every upvote
// counts 0.5^(age / half-life), where the half-life is a quarter of the
// window, so a vote loses half its weight in a quarter of the window.
// Upvotes imported from Hugging Face carry no time; they count as cast
// when the paper was submitted.
func TrendingScore(voteAges []time.Duration, imported int, submittedAge time.Duration, window time.Duration) float64 {
	half := window.Hours() / 4
	decay := func(age time.Duration) float64 { return math.Pow(0.5, math.Max(age.Hours(), 0)/half) }
	s := float64(imported) * decay(submittedAge)
	for _, a := range voteAges {
		s += decay(a)
	}
	return s
}

// TrendingFormula is TrendingScore in words, for the page.
const TrendingFormula = "score = Σ over upvotes of 0.5^(age of the upvote ÷ half-life), half-life = a quarter of the window; " +
	"upvotes imported from Hugging Face count as cast when the paper was submitted"

// trending ranks the papers submitted or upvoted within the window. The
// window ends now, or at the end of the latest day with papers when that is
// older (a quiet instance, or the demo corpus, still has a trending list).
func (s *Papers) trending(ctx context.Context, q ListQuery) ([]*model.Paper, bool, error) {
	window := TrendingWindows[q.Window]
	if window == 0 {
		window = TrendingWindows["week"]
	}
	latest, err := s.Store.LatestDailyDay(ctx)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	ref := s.Now()
	if end := latest.AddDays(1).Time(); end.Before(ref.Add(-window)) {
		ref = end
	}
	start := ref.Add(-window)
	ps, err := s.Store.FindPapers(ctx, store.PaperFilter{From: model.DateOf(start), To: model.DateOf(ref).AddDays(1),
		Submitter: q.Submitter, Organization: q.Organization, Sort: store.SortUpvotes})
	if err != nil {
		return nil, false, err
	}
	votes, err := s.Store.VotesSince(ctx, start)
	if err != nil {
		return nil, false, err
	}
	seen := map[string]bool{}
	for _, p := range ps {
		seen[p.ID] = true
	}
	var extra []string
	for id := range votes {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	if len(extra) > 0 {
		more, err := s.Store.FindPapers(ctx, store.PaperFilter{IDs: extra})
		if err != nil {
			return nil, false, err
		}
		for _, p := range more {
			if !p.Hidden && (q.Submitter == "" || (p.Daily != nil && p.Daily.SubmittedBy != nil && p.Daily.SubmittedBy.Name == q.Submitter)) {
				ps = append(ps, p)
			}
		}
	}
	scores := make(map[string]float64, len(ps))
	for _, p := range ps {
		var ages []time.Duration
		for _, at := range votes[p.ID] {
			ages = append(ages, ref.Sub(at))
		}
		imported := p.Upvotes - len(votes[p.ID])
		submitted := p.PublishedAt
		if p.Daily != nil && !p.Daily.SubmittedAt.IsZero() {
			submitted = p.Daily.SubmittedAt
		}
		scores[p.ID] = TrendingScore(ages, max(imported, 0), ref.Sub(submitted), window)
	}
	sort.SliceStable(ps, func(i, j int) bool { return scores[ps[i].ID] > scores[ps[j].ID] })
	from := min(q.Page*q.Limit, len(ps))
	return trim(ps[from:], q.Limit)
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
