package core

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/recommend"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
)

// Recommended is a paper for an interest, with why.
type Recommended struct {
	Paper    *model.Paper
	Interest *model.Collection
	Score    float32 // the interest's model: a log-odds
	// Order is what the list is sorted by: the model's probability mixed
	// with the paper's community upvotes by the reader's choice, in [0, 1],
	// comparable across interests (the merged view sorts by it).
	Order   float64
	Terms   []string     // the paper's terms that weigh most in the interest's model
	Closest *model.Paper // the interest's paper nearest to it
}

// ForYouSection is one interest's recommendations.
type ForYouSection struct {
	Interest *model.Collection
	Papers   []Recommended
}

// closestAmong: the most recent papers of an interest the closest paper
// is looked for in.
const closestAmong = 300

// ForYou ranks the papers of the last days (at most MaxForYouDays) for
// each of a's interests, from the stored rankings (an interest changed
// since its ranking was stored is retrained first): left out are what a
// saved, read, or marked "not interested" for that interest.
func (l *Library) ForYou(ctx context.Context, a *model.Account, days, limit int) ([]ForYouSection, error) {
	cs, err := l.Collections(ctx, a, a.Name)
	if err != nil {
		return nil, err
	}
	var interests []*model.Collection
	for _, c := range cs {
		if c.Interest && (c.Count > 0 || c.Keywords != "") {
			interests = append(interests, c)
		}
	}
	return l.forInterests(ctx, a.Name, interests, days, limit)
}

// ForInterest is ForYou for one of a's interests (any collection of a's
// can be asked for).
func (l *Library) ForInterest(ctx context.Context, a *model.Account, slug string, days, limit int) (ForYouSection, error) {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return ForYouSection{}, err
	}
	return l.forOne(ctx, a.Name, c, days, limit)
}

// ForInterestByFeed is ForInterest for the holder of the collection's
// secret feed URL.
func (l *Library) ForInterestByFeed(ctx context.Context, secret string, days, limit int) (ForYouSection, error) {
	c, err := l.Store.FindCollectionByFeed(ctx, secret)
	if err != nil {
		return ForYouSection{}, err
	}
	return l.forOne(ctx, c.Owner, c, days, limit)
}

func (l *Library) forOne(ctx context.Context, owner string, c *model.Collection, days, limit int) (ForYouSection, error) {
	secs, err := l.forInterests(ctx, owner, []*model.Collection{c}, days, limit)
	if err != nil || len(secs) == 0 {
		return ForYouSection{Interest: c}, err
	}
	return secs[0], nil
}

// MergeSections is the merged view: every interest's papers in one list
// by their order, each paper once (under the interest it ranks best for).
func MergeSections(secs []ForYouSection, limit int) []Recommended {
	best := map[string]Recommended{}
	for _, s := range secs {
		for _, r := range s.Papers {
			if b, ok := best[r.Paper.ID]; !ok || r.Order > b.Order {
				best[r.Paper.ID] = r
			}
		}
	}
	out := make([]Recommended, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	sortRecommended(out)
	return out[:min(limit, len(out))]
}

func sortRecommended(rs []Recommended) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Order != rs[j].Order {
			return rs[i].Order > rs[j].Order
		}
		return rs[i].Paper.ID > rs[j].Paper.ID
	})
}

// interestRank is an interest's ranking as read (or just trained).
type interestRank struct {
	c     *model.Collection
	model []byte
	rank  recommend.Ranking
}

func (l *Library) forInterests(ctx context.Context, owner string, cs []*model.Collection, days, limit int) ([]ForYouSection, error) {
	days = max(1, min(days, MaxForYouDays))
	prefs, err := l.Store.ForYouPrefs(ctx, owner)
	if err != nil {
		return nil, err
	}
	ranks, err := l.rankings(ctx, cs)
	if err != nil {
		return nil, err
	}
	// The best of each ranking in the window, a few times the limit since
	// what the reader saved or read since is left out; then their papers
	// in one read.
	cutoff := l.Now().Add(-time.Duration(days) * 24 * time.Hour).Unix()
	var ids []string
	for _, ir := range ranks {
		n := 0
		for _, e := range ir.rank {
			if e.Published >= cutoff && n < 2*limit+10 {
				ids = append(ids, e.ID)
				n++
			}
		}
	}
	papers, err := l.papersByID(ctx, store.PaperFilter{UnreadBy: owner, UnsavedBy: owner}, ids)
	if err != nil {
		return nil, err
	}
	maxUp := 0
	for _, p := range papers {
		maxUp = max(maxUp, p.Upvotes)
	}
	mix := float64(max(0, min(prefs.Mix, 100))) / 100
	var out []ForYouSection
	var closest []string // per paper shown, in order
	for _, ir := range ranks {
		sec := ForYouSection{Interest: ir.c}
		for _, e := range ir.rank {
			p := papers[e.ID]
			if p == nil || e.Published < cutoff {
				continue
			}
			order := (1-mix)/(1+math.Exp(-float64(e.Score))) + mix*math.Log1p(float64(p.Upvotes))/math.Log1p(float64(max(maxUp, 1)))
			sec.Papers = append(sec.Papers, Recommended{Paper: p, Interest: ir.c, Score: e.Score, Order: order})
			if len(sec.Papers) == 2*limit+10 {
				break
			}
		}
		sortRecommended(sec.Papers)
		sec.Papers = sec.Papers[:min(limit, len(sec.Papers))]
		ids, err := l.explain(ctx, ir, sec.Papers)
		if err != nil {
			return nil, err
		}
		closest = append(closest, ids...)
		out = append(out, sec)
	}
	// The closest papers, all in one read.
	var want []string
	for _, id := range closest {
		if id != "" {
			want = append(want, id)
		}
	}
	found, err := l.papersByID(ctx, store.PaperFilter{}, want)
	if err != nil {
		return nil, err
	}
	i := 0
	for _, sec := range out {
		for j := range sec.Papers {
			sec.Papers[j].Closest = found[closest[i]]
			i++
		}
	}
	return out, nil
}

// rankings reads the stored rankings of cs, retraining those missing or
// stale (changed since, or trained in another vector space).
func (l *Library) rankings(ctx context.Context, cs []*model.Collection) ([]interestRank, error) {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	rows, err := l.Store.InterestRankings(ctx, ids)
	if err != nil {
		return nil, err
	}
	space := l.space()
	var out []interestRank
	for _, c := range cs {
		row := rows[c.ID]
		if row != nil && row.Version >= c.Version && recommend.ModelSpace(row.Model) == space {
			rank, err := recommend.DecodeRanking(row.Ranking)
			if err == nil {
				out = append(out, interestRank{c, row.Model, rank})
				continue
			}
		}
		t, err := l.refresh(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, interestRank{c, t.row.Model, t.rank})
	}
	return out, nil
}

// space names the vector space the search index serves now ("" when
// there are no vectors).
func (l *Library) space() string {
	if l.Vectors == nil {
		return ""
	}
	_, s := l.Vectors.Vectors(nil)
	return s
}

// freshAt is when a paper became new: its first version, or its day on
// the Daily list when later (an old paper can be on today's list).
func freshAt(p *model.Paper) time.Time {
	if p.Daily != nil && p.Daily.Day.Time().After(p.PublishedAt) {
		return p.Daily.Day.Time()
	}
	return p.PublishedAt
}

// papersByID reads the papers ids that pass f, in batches of 500.
func (l *Library) papersByID(ctx context.Context, f store.PaperFilter, ids []string) (map[string]*model.Paper, error) {
	out := make(map[string]*model.Paper, len(ids))
	for lo := 0; lo < len(ids); lo += 500 {
		f.IDs = ids[lo:min(lo+500, len(ids))]
		ps, err := l.Store.FindPapers(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

// explain fills in why each of recs is recommended: its terms that weigh
// most in the interest's model, and the interest's paper nearest to it
// among its most recent (by the dense vectors, else by TF-IDF), whose id
// it returns per rec ("" for none) for the caller to read them all at once.
func (l *Library) explain(ctx context.Context, ir interestRank, recs []Recommended) ([]string, error) {
	closest := make([]string, len(recs))
	if len(recs) == 0 {
		return closest, nil
	}
	recent := *ir.c
	recent.Order = model.OrderRecent
	its, err := l.Store.CollectionItems(ctx, &recent, 0, closestAmong)
	if err != nil {
		return nil, err
	}
	docs := make([]*model.Paper, len(recs), len(recs)+len(its))
	for i, r := range recs {
		docs[i] = r.Paper
	}
	corpus := l.corpus(docs)
	m, err := corpus.Decode(ir.model)
	if err != nil {
		return nil, err
	}
	posIDs := itemIDs(its)
	var vecs [][]float32
	if l.Vectors != nil {
		vecs, _ = l.Vectors.Vectors(posIDs)
	}
	missing := false
	for i := range recs {
		recs[i].Terms = corpus.TopTerms(m, i, 3)
		v := corpus.Vec(i)
		best := float32(-2)
		for j, pv := range vecs {
			if v != nil && pv != nil {
				if s := search.Dot(v, pv); s > best {
					best, closest[i] = s, posIDs[j]
				}
			}
		}
		missing = missing || closest[i] == ""
	}
	if !missing || len(its) == 0 {
		return closest, nil
	}
	// Papers without vectors (none yet, or not indexed yet): by their words.
	byID, err := l.papersByID(ctx, store.PaperFilter{}, posIDs)
	if err != nil {
		return nil, err
	}
	var pos []int
	for _, id := range posIDs {
		if p := byID[id]; p != nil {
			pos = append(pos, len(docs))
			docs = append(docs, p)
		}
	}
	words := l.corpus(docs)
	for i := range recs {
		if closest[i] == "" {
			if why := words.Explain(m, pos, i, 0); why.Closest >= 0 {
				closest[i] = docs[why.Closest].ID
			}
		}
	}
	return closest, nil
}

func itemIDs(its []model.CollectionItem) []string {
	ids := make([]string, len(its))
	for i, it := range its {
		ids[i] = it.PaperID
	}
	return ids
}
