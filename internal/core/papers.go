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

	"github.com/quire/quire/internal/bib"
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
	// Fetch brings a paper from arXiv when a pasted id is not stored (nil:
	// only stored papers are found).
	Fetch func(ctx context.Context, id string) error
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
	// UnreadBy and UnsavedBy leave out the papers that user marked read or
	// saved ("hide read").
	UnreadBy, UnsavedBy string
}

// List returns one page of papers, and whether a further page exists.
func (s *Papers) List(ctx context.Context, q ListQuery) ([]*model.Paper, bool, error) {
	if q.Sort == SortTrending {
		return s.trending(ctx, q)
	}
	f := store.PaperFilter{OnDaily: true, Submitter: q.Submitter, Organization: q.Organization,
		Sort: store.SortSubmitted, Offset: q.Page * q.Limit, Limit: q.Limit + 1, UnreadBy: q.UnreadBy, UnsavedBy: q.UnsavedBy}
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
		Submitter: q.Submitter, Organization: q.Organization, Sort: store.SortUpvotes, UnreadBy: q.UnreadBy, UnsavedBy: q.UnsavedBy})
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

// Search orders.
const (
	ByRelevance = "relevance"
	ByDate      = "date"
	ByUpvotes   = "upvotes"
)

// SearchQuery is a search with its filters.
type SearchQuery struct {
	Q        string
	From, To model.Date // on the daily list or first published in [From, To]; zero: open
	Category string     // arXiv category or archive prefix ("cs", "cs.LG")
	Org      string
	HasCode  bool
	Sort     string // relevance (default), date or upvotes
	Limit    int
	// Exact searches the query as written, misspellings and all.
	Exact bool
}

// searchDepth is how many ranked candidates filters choose from.
const searchDepth = 500

// SearchPapers is Find with no filters.
func (s *Papers) SearchPapers(ctx context.Context, q string, limit int) ([]*model.Paper, error) {
	return s.Find(ctx, SearchQuery{Q: q, Limit: limit})
}

// Find returns up to sq.Limit papers for the query, best first: the
// fusion of BM25 and semantic similarity, then phrases, exclusions and
// filters, then the order asked for. Hidden papers never appear.
func (s *Papers) Find(ctx context.Context, sq SearchQuery) ([]*model.Paper, error) {
	r, err := s.FindCorrected(ctx, sq)
	return r.Papers, err
}

// SearchResult is what a search found, and the query it searched instead
// when it corrected a misspelled term ("" when it did not).
type SearchResult struct {
	Papers    []*model.Paper
	Corrected string
}

// FindCorrected is Find that corrects misspelled terms first (unless
// sq.Exact) and says so.
func (s *Papers) FindCorrected(ctx context.Context, sq SearchQuery) (SearchResult, error) {
	if q := strings.TrimSpace(sq.Q); !sq.Exact && q != "" && len([]rune(q)) <= MaxQueryLen {
		if err := s.Search.Sync(ctx); err != nil { // the vocabulary of every paper written so far
			s.Log.Warn("search index sync failed; results may be stale", slog.Any("error", err))
		}
		if c, changed := s.Search.Correct(q); changed { // ids, URLs and DOIs are never "corrected": not single words
			sq.Q = c
			ps, err := s.find(ctx, sq)
			return SearchResult{Papers: ps, Corrected: c}, err
		}
	}
	ps, err := s.find(ctx, sq)
	return SearchResult{Papers: ps}, err
}

func (s *Papers) find(ctx context.Context, sq SearchQuery) ([]*model.Paper, error) {
	q := strings.TrimSpace(sq.Q)
	if len([]rune(q)) > MaxQueryLen {
		return nil, model.Errorf(model.EINVALID, "query too long: at most %d characters", MaxQueryLen)
	}
	switch sq.Sort {
	case "", ByRelevance, ByDate, ByUpvotes:
	default:
		return nil, model.Errorf(model.EINVALID, "invalid sort %q: use relevance, date or upvotes", sq.Sort)
	}
	if q == "" || sq.Limit <= 0 {
		return nil, nil
	}
	if p, ref, err := s.pinned(ctx, q); err != nil || p != nil {
		if p == nil {
			return nil, err
		}
		return []*model.Paper{p}, err
	} else if ref { // an id or DOI nobody has: its digits would match at random
		return nil, nil
	}
	if err := s.Search.Sync(ctx); err != nil {
		s.Log.Warn("search index sync failed; results may be stale", slog.Any("error", err))
	}
	parsed := search.ParseQuery(q)
	sq = sq.withFields(parsed)
	if len(search.Tokens(parsed.Text)) == 0 && sq.Category != "" {
		return s.byCategory(ctx, sq, sq.Category)
	}
	// Only filters, phrases, exclusions and other orders need the deep
	// candidate list; a plain query drops nothing but hidden papers, so
	// the first limit + a margin are enough, and loading fewer papers from
	// the store is most of what a search costs at scale.
	if sq.plain() && len(parsed.Phrases) == 0 && len(parsed.Excluded) == 0 && len(parsed.Fields) == 0 {
		out, hits, err := s.rank(ctx, sq, parsed, sq.Limit+plainMargin)
		if err != nil || len(out) >= sq.Limit || hits < sq.Limit+plainMargin {
			titleFirst(q, out)
			return out, err
		}
		// more hidden papers than the margin: the deep path
	}
	out, _, err := s.rank(ctx, sq, parsed, searchDepth)
	if sq.Sort == "" || sq.Sort == ByRelevance {
		titleFirst(q, out)
	}
	return out, err
}

// rank takes depth candidates from the index, loads them in chunks, keeps
// those that pass the filters, and orders them; it also returns how many
// candidates there were.
func (s *Papers) rank(ctx context.Context, sq SearchQuery, parsed search.Query, depth int) ([]*model.Paper, int, error) {
	hits := s.Search.Search(parsed.Text, depth)
	chunkSize := min(depth, 100)
	out := make([]*model.Paper, 0, sq.Limit)
	for start := 0; start < len(hits) && (sq.Sort != "" && sq.Sort != ByRelevance || len(out) < sq.Limit); start += chunkSize {
		chunk := hits[start:min(start+chunkSize, len(hits))]
		ids := make([]string, len(chunk))
		for i, h := range chunk {
			ids[i] = h.ID
		}
		ps, err := s.Store.FindPapers(ctx, store.PaperFilter{IDs: ids})
		if err != nil {
			return nil, 0, err
		}
		byID := make(map[string]*model.Paper, len(ps))
		for _, p := range ps {
			byID[p.ID] = p
		}
		for _, h := range chunk {
			if p := byID[h.ID]; p != nil && sq.keeps(p) && parsed.MatchesPaper(p) {
				out = append(out, p)
			}
		}
	}
	switch sq.Sort {
	case ByDate:
		sort.SliceStable(out, func(i, j int) bool { return out[i].PublishedAt.After(out[j].PublishedAt) })
	case ByUpvotes:
		sort.SliceStable(out, func(i, j int) bool { return out[i].Upvotes > out[j].Upvotes })
	}
	return out[:min(sq.Limit, len(out))], len(hits), nil
}

// plainMargin is how many more candidates than asked for a plain query
// takes, for hidden papers.
const plainMargin = 10

// plain reports whether the query has no filter and the default order.
func (sq SearchQuery) plain() bool {
	return (sq.Sort == "" || sq.Sort == ByRelevance) && sq.From.IsZero() && sq.To.IsZero() && sq.Category == "" &&
		sq.Org == "" && !sq.HasCode
}

// keeps applies the filters.
func (sq SearchQuery) keeps(p *model.Paper) bool {
	if p.Hidden || (sq.HasCode && p.GithubRepo == "") {
		return false
	}
	if sq.Org != "" && (p.Organization == nil || p.Organization.Name != sq.Org) {
		return false
	}
	if sq.Category != "" {
		found := false
		for _, c := range p.Categories {
			found = found || c == sq.Category || strings.HasPrefix(c, sq.Category+".")
		}
		if !found {
			return false
		}
	}
	if sq.From.IsZero() && sq.To.IsZero() {
		return true
	}
	day := model.DateOf(p.PublishedAt)
	if p.Daily != nil {
		day = p.Daily.Day
	}
	return (sq.From.IsZero() || !day.Before(sq.From)) && (sq.To.IsZero() || !sq.To.Before(day))
}

// Similar returns the papers most like the paper id.
func (s *Papers) Similar(ctx context.Context, rawID string, limit int) ([]*model.Paper, error) {
	p, err := s.Paper(ctx, rawID)
	if err != nil {
		return nil, err
	}
	hits := s.Search.Similar(p.ID, limit+10)
	if len(hits) == 0 { // no semantic model yet: the title as a query
		hits = s.Search.Search(p.Title, limit+10)
	}
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.ID != p.ID {
			ids = append(ids, h.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ps, err := s.Store.FindPapers(ctx, store.PaperFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	byID := map[string]*model.Paper{}
	for _, q := range ps {
		byID[q.ID] = q
	}
	out := make([]*model.Paper, 0, limit)
	for _, id := range ids {
		if q := byID[id]; q != nil && !q.Hidden && len(out) < limit {
			out = append(out, q)
		}
	}
	return out, nil
}

// ByTitle returns the id of the stored paper whose title, normalised
// (TeX, accents, case and punctuation aside), is title's; ENOTFOUND when
// none is. The search index finds the candidates.
func (s *Papers) ByTitle(ctx context.Context, title string) (string, error) {
	key := bib.TitleKey(title)
	if len(key) < 8 { // "Introduction" would match too much
		return "", model.Errorf(model.ENOTFOUND, "title too short to match")
	}
	q := key
	if len(q) > MaxQueryLen { // cut at a word: the key is words and spaces
		q = q[:max(strings.LastIndexByte(q[:MaxQueryLen], ' '), 0)]
	}
	ps, err := s.SearchPapers(ctx, q, 5)
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if bib.TitleKey(p.Title) == key {
			return p.ID, nil
		}
	}
	return "", model.Errorf(model.ENOTFOUND, "no stored paper has this title")
}
