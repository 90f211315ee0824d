package core

import (
	"context"
	"regexp"
	"strings"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Listing is one arXiv announcement of the categories asked for, in
// arXiv's sections: new submissions (primary category among them) and
// cross-lists (a secondary one is).
type Listing struct {
	Day        model.Date // zero: nothing listed yet
	Prev, Next model.Date // neighbouring listing days with papers, zero if none
	Categories []string
	New, Cross []*model.Paper
	Replaced   []*model.Paper // new versions announced that day
}

// MaxListing bounds one listing day (arXiv's busiest cs days bring ~1,500).
const MaxListing = 3000

var categoryRe = regexp.MustCompile(`^[a-z][a-z-]{0,15}(\.[A-Za-z][A-Za-z-]{0,15})?$`)

// ParseCategories reads a comma-separated list of arXiv categories or
// archives ("cs.LG,hep-th,math").
func ParseCategories(s string) ([]string, error) {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		if !categoryRe.MatchString(c) {
			return nil, model.Errorf(model.EINVALID, "%q is not an arXiv category or archive (like cs.LG or hep-th)", c)
		}
		out = append(out, c)
	}
	return out, nil
}

// InCategories reports whether category c is one of cats or in one of its
// archives.
func InCategories(c string, cats []string) bool {
	for _, k := range cats {
		if c == k || strings.HasPrefix(c, k+".") {
			return true
		}
	}
	return len(cats) == 0
}

// ListingQuery asks for one announcement day.
type ListingQuery struct {
	Day        model.Date // the latest when zero
	Categories []string   // everything when empty
	SortArxiv  bool       // arXiv's order alone, not upvotes first
	Brief      bool       // card fields only (store.PaperFilter.Brief)
}

// NewListing returns the listing asked for, ranked by upvotes then arXiv's
// order unless q.SortArxiv.
func (p *Papers) NewListing(ctx context.Context, q ListingQuery) (*Listing, error) {
	day, cats := q.Day, q.Categories
	l := &Listing{Day: day, Categories: cats}
	if day.IsZero() {
		latest, err := p.Store.LatestListingDay(ctx, cats)
		if model.ErrorCode(err) == model.ENOTFOUND {
			return l, nil
		}
		if err != nil {
			return nil, err
		}
		l.Day = latest
	}
	sort := store.SortListing
	if q.SortArxiv {
		sort = store.SortArxiv
	}
	papers, err := p.Store.FindPapers(ctx, store.PaperFilter{Listed: l.Day, Categories: cats, Sort: sort, Limit: MaxListing, Brief: q.Brief})
	if err != nil {
		return nil, err
	}
	for _, pp := range papers {
		if InCategories(pp.PrimaryCategory(), cats) {
			l.New = append(l.New, pp)
		} else {
			l.Cross = append(l.Cross, pp)
		}
	}
	if l.Replaced, err = p.replaced(ctx, l.Day, cats, q.Brief); err != nil {
		return nil, err
	}
	if l.Prev, l.Next, err = p.Store.ListingDays(ctx, l.Day, cats); err != nil {
		return nil, err
	}
	return l, nil
}

// replaced are the papers of cats whose new version was submitted in the
// window that day lists (arXiv's "replacements" section).
func (p *Papers) replaced(ctx context.Context, day model.Date, cats []string, brief bool) ([]*model.Paper, error) {
	from, to, ok := arxiv.SubmissionWindow(day)
	if !ok {
		return nil, nil
	}
	ids, err := p.Store.ReplacedBetween(ctx, from, to)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	if len(ids) > MaxListing {
		ids = ids[:MaxListing]
	}
	ps, err := p.Store.FindPapers(ctx, store.PaperFilter{IDs: ids, Categories: cats, Sort: store.SortListing, Brief: brief})
	if err != nil {
		return nil, err
	}
	var out []*model.Paper
	for _, pp := range ps {
		if !pp.Hidden && pp.ListingDay != day {
			out = append(out, pp)
		}
	}
	return out, nil
}

// ListedQuery pages through arXiv papers newest listing first (Hugging
// Face's GET /api/papers), optionally of one day and some categories.
type ListedQuery struct {
	Day        model.Date // zero: every day
	Categories []string
	After      *store.ListingKey // the cursor: continue after this paper
	Limit      int
}

// Listed returns a page and the cursor of the next one (nil at the end).
func (p *Papers) Listed(ctx context.Context, q ListedQuery) ([]*model.Paper, *store.ListingKey, error) {
	ps, err := p.Store.FindPapers(ctx, store.PaperFilter{Listed: q.Day, Categories: q.Categories, ListedOnly: true,
		ListedBefore: q.After, Sort: store.SortListedDesc, Limit: q.Limit + 1})
	if err != nil {
		return nil, nil, err
	}
	if len(ps) <= q.Limit {
		return ps, nil, nil
	}
	ps = ps[:q.Limit]
	last := ps[len(ps)-1]
	return ps, &store.ListingKey{Day: last.ListingDay, ID: last.ID}, nil
}
