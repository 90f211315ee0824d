package core

import (
	"context"
	"sort"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/recommend"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
)

// VectorSource gives papers' dense vectors (the search index's).
type VectorSource interface {
	Vectors(ids []string) [][]float32
}

// Recommended is a paper for an interest, with why.
type Recommended struct {
	Paper   *model.Paper
	Score   float32
	Terms   []string     // the paper's terms that weigh most in the interest's model
	Closest *model.Paper // the interest's paper nearest to it
}

// ForYouSection is one interest's recommendations.
type ForYouSection struct {
	Interest *model.Collection
	Papers   []Recommended
}

// Bounds of one interest's training and ranking.
const (
	maxInterestPapers = 1000 // the most recent of an interest train its model
	maxCandidates     = 3000 // new papers ranked per request
)

// ForYou ranks the papers of the last days for each of a's interests:
// left out are what a saved, read, or marked "not interested" for that
// interest. Each interest's model is trained on its papers against its
// marks and the other papers (see package recommend).
func (l *Library) ForYou(ctx context.Context, a *model.Account, days, limit int) ([]ForYouSection, error) {
	cs, err := l.Collections(ctx, a, a.Name)
	if err != nil {
		return nil, err
	}
	cands, err := l.candidates(ctx, a.Name, days)
	if err != nil {
		return nil, err
	}
	var out []ForYouSection
	for _, c := range cs {
		if !c.Interest || c.Count == 0 {
			continue
		}
		sec, err := l.rankInterest(ctx, c, cands, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	return out, nil
}

func (l *Library) rankInterest(ctx context.Context, c *model.Collection, cands []*model.Paper, limit int) (ForYouSection, error) {
	sec := ForYouSection{Interest: c}
	recent := *c
	recent.Order = model.OrderRecent
	items, err := l.Items(ctx, &recent, 0, maxInterestPapers)
	if err != nil {
		return sec, err
	}
	negIDs, err := l.Store.NotInterested(ctx, c.ID)
	if err != nil {
		return sec, err
	}
	marked := map[string]bool{}
	for _, id := range negIDs {
		marked[id] = true
	}
	var negs []*model.Paper
	if len(negIDs) > 0 {
		if negs, err = l.Store.FindPapers(ctx, store.PaperFilter{IDs: negIDs}); err != nil {
			return sec, err
		}
	}
	// One corpus: the interest's papers, its marks, then the candidates.
	var docs []*model.Paper
	var pos, neg []int
	for _, it := range items {
		pos = append(pos, len(docs))
		docs = append(docs, it.Paper)
	}
	for _, p := range negs {
		neg = append(neg, len(docs))
		docs = append(docs, p)
	}
	first := len(docs)
	for _, p := range cands {
		if !marked[p.ID] {
			docs = append(docs, p)
		}
	}
	if len(docs) == first {
		return sec, nil
	}
	toks := make([][]string, len(docs))
	ids := make([]string, len(docs))
	for i, p := range docs {
		toks[i] = search.Tokens(p.Title + " " + p.Summary)
		ids[i] = p.ID
	}
	var dense [][]float32
	if l.Vectors != nil {
		dense = l.Vectors.Vectors(ids)
	}
	corpus := recommend.NewCorpus(toks, dense)
	m := corpus.Train(pos, neg, recommend.TrainOptions{Seed: uint64(c.ID)})
	type scored struct {
		d int
		s float32
	}
	var ranked []scored
	for d := first; d < len(docs); d++ {
		ranked = append(ranked, scored{d, m.Score(corpus, d)})
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].s > ranked[j].s })
	for _, r := range ranked[:min(limit, len(ranked))] {
		why := corpus.Explain(m, pos, r.d, 3)
		rec := Recommended{Paper: docs[r.d], Score: r.s, Terms: why.Terms}
		if why.Closest >= 0 {
			rec.Closest = docs[why.Closest]
		}
		sec.Papers = append(sec.Papers, rec)
	}
	return sec, nil
}

// ForInterest is ForYou for one of a's interests (any collection of a's
// can be asked for).
func (l *Library) ForInterest(ctx context.Context, a *model.Account, slug string, days, limit int) (ForYouSection, error) {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return ForYouSection{}, err
	}
	return l.forCollection(ctx, a.Name, c, days, limit)
}

// ForInterestByFeed is ForInterest for the holder of the collection's
// secret feed URL.
func (l *Library) ForInterestByFeed(ctx context.Context, secret string, days, limit int) (ForYouSection, error) {
	c, err := l.Store.FindCollectionByFeed(ctx, secret)
	if err != nil {
		return ForYouSection{}, err
	}
	return l.forCollection(ctx, c.Owner, c, days, limit)
}

func (l *Library) forCollection(ctx context.Context, owner string, c *model.Collection, days, limit int) (ForYouSection, error) {
	cands, err := l.candidates(ctx, owner, days)
	if err != nil {
		return ForYouSection{}, err
	}
	return l.rankInterest(ctx, c, cands, limit)
}

// candidates are the papers of the last days that owner has not saved or read.
func (l *Library) candidates(ctx context.Context, owner string, days int) ([]*model.Paper, error) {
	return l.Store.FindPapers(ctx, store.PaperFilter{Recent: l.Now().Add(-time.Duration(days) * 24 * time.Hour),
		UnreadBy: owner, UnsavedBy: owner, Sort: store.SortPublished, Limit: maxCandidates})
}
