package core

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/bib"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
)

// What people paste into a search box: an arXiv id in any of its forms
// (arXiv:2608.05987v2, https://arxiv.org/abs/…, /pdf/…, hep-th/9901001) or
// a DOI (doi:…, https://doi.org/…; arXiv's own 10.48550/arXiv.… is its
// id) names one paper, which is all the answer. A stored title, however
// punctuated or cased, puts its paper first.

var doiRe = regexp.MustCompile(`(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$`)

// arxivDOI is the prefix of the DOIs arXiv gives its papers.
const arxivDOI = "10.48550/arxiv."

// fetchTimeout bounds the wait for arXiv when a pasted id is not stored.
const fetchTimeout = 15 * time.Second

// pinned returns the paper q names outright, or nil when q names none (or
// names one that is neither stored nor on arXiv). The second result tells
// whether q was such a reference at all.
func (s *Papers) pinned(ctx context.Context, q string) (*model.Paper, bool, error) {
	var id string
	if m := doiRe.FindStringSubmatch(q); m != nil {
		doi := strings.ToLower(strings.TrimRight(m[1], ".,;"))
		if rest, ok := strings.CutPrefix(doi, arxivDOI); ok {
			id = rest
		} else {
			ids, err := s.Store.PaperIDsByDOI(ctx, []string{doi})
			if err != nil {
				return nil, true, err
			}
			if id = ids[doi]; id == "" {
				return nil, true, nil
			}
		}
	}
	if id == "" && !strings.ContainsAny(q, " \t") {
		if ref, err := model.ParseArxivRef(q); err == nil {
			id = ref
		}
	}
	if id == "" {
		return nil, false, nil
	}
	id, err := model.ParseArxivRef(id)
	if err != nil {
		return nil, true, nil
	}
	p, err := s.Store.FindPaperByID(ctx, id)
	if model.ErrorCode(err) == model.ENOTFOUND && s.Fetch != nil {
		fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
		ferr := s.Fetch(fctx, id)
		cancel()
		if ferr != nil {
			s.Log.Info("a pasted arXiv id could not be fetched", "id", id, "error", ferr)
			return nil, true, nil
		}
		p, err = s.Store.FindPaperByID(ctx, id)
	}
	if model.ErrorCode(err) == model.ENOTFOUND || (err == nil && p.Hidden) {
		return nil, true, nil
	}
	return p, true, err
}

// titleFirst moves the paper whose title is the query's (normalized) to
// the front.
func titleFirst(q string, ps []*model.Paper) {
	key := bib.TitleKey(q)
	if len(key) < 8 {
		return
	}
	for i, p := range ps {
		if bib.TitleKey(p.Title) == key {
			copy(ps[1:i+1], ps[:i])
			ps[0] = p
			return
		}
	}
}

// byCategory answers a query that is only category:X: its newest papers.
func (s *Papers) byCategory(ctx context.Context, sq SearchQuery, cat string) ([]*model.Paper, error) {
	ps, err := s.Store.FindPapers(ctx, store.PaperFilter{Categories: []string{cat}, Sort: store.SortPublished, Limit: sq.Limit})
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if sq.keeps(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// withFields applies a parsed query's category to the filters.
func (sq SearchQuery) withFields(parsed search.Query) SearchQuery {
	if c := parsed.Category(); c != "" && sq.Category == "" {
		sq.Category = arxiv.CanonicalCategory(c)
	}
	return sq
}
