package recommend

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Model is one interest's linear model: weights over TF-IDF terms (the
// strongest ones kept) and over the dense vector, and a bias. Score is a
// log-odds: higher means more like the interest's papers.
type Model struct {
	Terms map[int32]float32 // term id → weight (the corpus's vocabulary)
	Dense []float32
	Bias  float32
	// Space names the vector space Dense was learnt in: scored in another
	// (the built-in vectors retrained, an endpoint switched), the model
	// uses its terms only, and needs retraining.
	Space string
}

// TrainOptions tune training; the zero value is the default.
type TrainOptions struct {
	Sampled    int     // random other papers taken as negatives (default 256)
	Iterations int     // gradient steps (default 60)
	L2         float64 // weight decay (default 0.01)
	MaxTerms   int     // term weights kept (default 256)
	Seed       uint64
}

func (o *TrainOptions) defaults() {
	if o.Sampled == 0 {
		o.Sampled = 256
	}
	if o.Iterations == 0 {
		o.Iterations = 60
	}
	if o.L2 == 0 {
		o.L2 = 0.01
	}
	if o.MaxTerms == 0 {
		o.MaxTerms = 256
	}
}

type example struct {
	doc    int
	y      float64
	weight float64
}

// Train fits an interest's model: logistic regression with the positives
// (weighted to half of the loss), the "not interested" papers and sampled
// other papers (the other half; explicit marks count three times a sample)
// as negatives, started from the positives' centroids.
func (c *Corpus) Train(pos, neg []int, o TrainOptions) *Model {
	o.defaults()
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	skip := map[int]bool{}
	for _, p := range pos {
		skip[p] = true
	}
	for _, n := range neg {
		skip[n] = true
	}
	var ex []example
	for _, p := range pos {
		ex = append(ex, example{p, 1, 0.5 / float64(len(pos))})
	}
	var sampled []int
	for tries := 0; len(sampled) < o.Sampled && tries < 4*o.Sampled && len(c.TFIDF) > len(skip); tries++ {
		if d := rng.IntN(len(c.TFIDF)); !skip[d] {
			skip[d] = true
			sampled = append(sampled, d)
		}
	}
	negTotal := float64(len(sampled) + 3*len(neg))
	for _, n := range neg {
		ex = append(ex, example{n, 0, 0.5 * 3 / negTotal})
	}
	for _, d := range sampled {
		ex = append(ex, example{d, 0, 0.5 / negTotal})
	}
	// Weights and gradients over the whole vocabulary as slices: training
	// touches each example's terms sixty times.
	wt := make([]float32, len(c.Terms))
	var wd []float32
	dim := c.dim()
	if dim > 0 {
		wd = make([]float32, dim)
	}
	// Start at the centroid of the positives minus that of the negatives.
	for _, e := range ex {
		sign := float32(e.weight)
		if e.y == 0 {
			sign = -sign
		}
		for _, t := range c.TFIDF[e.doc] {
			wt[t.ID] += sign * t.W
		}
		if v := c.vec(e.doc); v != nil {
			for i := range v {
				wd[i] += sign * v[i]
			}
		}
	}
	const rate = 4.0
	var bias float32
	gt := make([]float64, len(c.Terms))
	gd := make([]float64, dim)
	for it := 0; it < o.Iterations; it++ {
		clear(gt)
		clear(gd)
		var gb float64
		for _, e := range ex {
			z := bias
			for _, t := range c.TFIDF[e.doc] {
				z += wt[t.ID] * t.W
			}
			v := c.vec(e.doc)
			z += dotDense(wd, v)
			g := e.weight * (sigmoid(float64(z)) - e.y)
			gb += g
			for _, t := range c.TFIDF[e.doc] {
				gt[t.ID] += g * float64(t.W)
			}
			for i := range v {
				gd[i] += g * float64(v[i])
			}
		}
		for id, w := range wt {
			if w != 0 || gt[id] != 0 {
				wt[id] = w - float32(rate*(gt[id]+o.L2*float64(w)))
			}
		}
		for i := range wd {
			wd[i] -= float32(rate * (gd[i] + o.L2*float64(wd[i])))
		}
		bias -= float32(rate * gb)
	}
	m := &Model{Terms: map[int32]float32{}, Dense: wd, Bias: bias, Space: c.Space}
	for id, w := range wt {
		if w != 0 {
			m.Terms[int32(id)] = w
		}
	}
	m.prune(o.MaxTerms)
	return m
}

func (c *Corpus) dim() int {
	for _, v := range c.Dense {
		if v != nil {
			return len(v)
		}
	}
	return 0
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Score is the model's log-odds for document d.
func (m *Model) Score(c *Corpus, d int) float32 {
	s := m.Bias + dotSparse(c.TFIDF[d], m.Terms)
	if m.Dense != nil && m.Space == c.Space {
		s += dotDense(m.Dense, c.vec(d))
	}
	return s
}

// Stale reports whether m was trained in another vector space than c's.
func (m *Model) Stale(c *Corpus) bool { return m.Dense != nil && m.Space != c.Space }

// prune keeps the max strongest term weights, so that a model stays a few
// KB whatever the vocabulary.
func (m *Model) prune(max int) {
	if len(m.Terms) <= max {
		return
	}
	type tw struct {
		id int32
		w  float32
	}
	all := make([]tw, 0, len(m.Terms))
	for id, w := range m.Terms {
		all = append(all, tw{id, w})
	}
	sort.Slice(all, func(a, b int) bool {
		if x, y := abs32(all[a].w), abs32(all[b].w); x != y {
			return x > y
		}
		return all[a].id < all[b].id
	})
	m.Terms = make(map[int32]float32, max)
	for _, t := range all[:max] {
		m.Terms[t.id] = t.w
	}
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// Rank scores every document of the corpus with m.
func (c *Corpus) Rank(m *Model) []float32 {
	out := make([]float32, len(c.TFIDF))
	for d := range out {
		out[d] = m.Score(c, d)
	}
	return out
}
