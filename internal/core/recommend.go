package core

import (
	"context"
	"fmt"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/recommend"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
)

// VectorSource is what recommendations read of the search index: the
// papers' dense vectors with the name of their space, and the idf of terms
// over every paper.
type VectorSource interface {
	Vectors(ids []string) (vecs [][]float32, space string)
	IDF(terms []string) []float32
}

// Bounds of the stored recommendations.
const (
	// MaxForYouDays is the window an interest's stored ranking covers:
	// papers first published in the last 14 days.
	MaxForYouDays = 14
	// RankKeep is how many papers an interest's ranking keeps.
	RankKeep = 200
	// maxInterestPapers: the most recent of an interest train its model.
	maxInterestPapers = 1000
	// maxCandidates: the recent papers a retrained model ranks at once
	// (the batch job adds each announcement's later).
	maxCandidates = 3000
)

// trainedInterest is an interest's model trained now, with its ranking of
// the recent papers.
type trainedInterest struct {
	row   *store.InterestRanking
	model *recommend.Model
	rank  recommend.Ranking
}

// refresh trains c's model and ranks the recent papers with it, then
// stores both, unless another writer (the batch job, another replica)
// stored the row after it was read: then it starts again from the new row,
// so that papers the other writer ranked in are not lost.
func (l *Library) refresh(ctx context.Context, c *model.Collection) (*trainedInterest, error) {
	for range 3 {
		rows, err := l.Store.InterestRankings(ctx, []int64{c.ID})
		if err != nil {
			return nil, err
		}
		var rev int64
		if r := rows[c.ID]; r != nil {
			rev = r.Rev
		}
		t, err := l.train(ctx, c)
		if err != nil {
			return nil, err
		}
		t.row.Rev = rev
		saved, err := l.Store.SaveInterestRankings(ctx, []*store.InterestRanking{t.row})
		if err != nil {
			return nil, err
		}
		if saved[0] {
			return t, nil
		}
	}
	return nil, model.Errorf(model.EUNAVAILABLE, "the recommendations of %q are being updated; try again", c.Name)
}

// train fits c's model (version c.Version, read before its papers: a
// change made meanwhile leaves the row stale, never wrongly fresh) and
// ranks the papers of the window with it.
func (l *Library) train(ctx context.Context, c *model.Collection) (*trainedInterest, error) {
	recent := *c
	recent.Order = model.OrderRecent
	items, err := l.Items(ctx, &recent, 0, maxInterestPapers)
	if err != nil {
		return nil, err
	}
	negIDs, err := l.Store.NotInterested(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var negs []*model.Paper
	if len(negIDs) > 0 {
		if negs, err = l.Store.FindPapers(ctx, store.PaperFilter{IDs: negIDs}); err != nil {
			return nil, err
		}
	}
	cutoff := l.Now().Add(-MaxForYouDays * 24 * time.Hour)
	cands, err := l.Store.FindPapers(ctx, store.PaperFilter{Recent: cutoff, Sort: store.SortPublished, Limit: maxCandidates})
	if err != nil {
		return nil, err
	}
	// One corpus: the interest's papers (and its keywords as one more),
	// its marks, then the candidates that are neither.
	var docs []*model.Paper
	var pos, neg []int
	known := map[string]bool{}
	for _, it := range items {
		pos = append(pos, len(docs))
		docs = append(docs, it.Paper)
		known[it.PaperID] = true
	}
	if c.Keywords != "" {
		pos = append(pos, len(docs))
		docs = append(docs, &model.Paper{Title: c.Keywords})
	}
	for _, p := range negs {
		neg = append(neg, len(docs))
		docs = append(docs, p)
		known[p.ID] = true
	}
	first := len(docs)
	for _, p := range cands {
		if !known[p.ID] {
			docs = append(docs, p)
		}
	}
	corpus := l.corpus(docs)
	m := corpus.Train(pos, neg, recommend.TrainOptions{Seed: uint64(c.ID)})
	var entries []recommend.Entry
	for d := first; d < len(docs); d++ {
		entries = append(entries, recommend.Entry{ID: docs[d].ID, Score: m.Score(corpus, d), Published: freshAt(docs[d]).Unix()})
	}
	rank := recommend.Ranking(nil).Merge(entries, cutoff.Unix(), RankKeep)
	row := &store.InterestRanking{CollectionID: c.ID, Version: c.Version, Model: corpus.Encode(m), Ranking: recommend.EncodeRanking(rank)}
	return &trainedInterest{row: row, model: m, rank: rank}, nil
}

// corpus builds the recommendation corpus of docs: their words weighed by
// the idf over every paper, and their vectors from the search index.
func (l *Library) corpus(docs []*model.Paper) *recommend.Corpus {
	toks := make([][]string, len(docs))
	ids := make([]string, len(docs))
	for i, p := range docs {
		toks[i] = search.Tokens(p.Title + " " + p.Summary)
		ids[i] = p.ID
	}
	if l.Vectors == nil {
		return recommend.NewCorpus(toks, nil)
	}
	dense, space := l.Vectors.Vectors(ids)
	c := recommend.NewCorpusIDF(toks, dense, l.Vectors.IDF)
	c.Space = space
	return c
}

// RefreshStale retrains up to limit interests whose model is missing or
// older than their papers and marks (a scheduled job does it between page
// loads; a page load finding one stale does it too). It returns how many.
func (l *Library) RefreshStale(ctx context.Context, limit int) (int, error) {
	cs, err := l.Store.StaleInterests(ctx, limit)
	if err != nil {
		return 0, err
	}
	for i, c := range cs {
		if _, err := l.refresh(ctx, c); err != nil {
			return i, fmt.Errorf("recommend: refresh interest %d: %w", c.ID, err)
		}
	}
	return len(cs), nil
}
