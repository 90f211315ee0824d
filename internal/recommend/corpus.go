// Package recommend ranks papers for a reader's interests. An interest is a
// set of papers the reader keeps (a collection) and the papers they marked
// "not interested"; its model is a small linear model over two views of a
// paper, its TF-IDF terms and its dense vector (the search index's LSA
// vectors or an embeddings endpoint's), trained on the interest's papers as
// positives and the marks and sampled other papers as negatives. The
// package also holds the baselines the offline evaluation compares with.
package recommend

import (
	"math"
	"sort"
)

// Term is a term id with its weight in a sparse vector.
type Term struct {
	ID int32
	W  float32
}

// Corpus holds what ranking needs of every candidate paper: its TF-IDF
// vector (log tf × idf, unit length), its term counts and length for
// BM25, and its dense vector (unit length, may be nil).
type Corpus struct {
	Vocab  map[string]int32
	Terms  []string
	IDF    []float32 // BM25's idf, ln(1 + (N − df + ½)/(df + ½))
	TFIDF  [][]Term  // per doc, by term id
	Counts [][]Term  // per doc, raw term frequencies, by term id
	Len    []int     // per doc, tokens
	AvgLen float64
	Dense  [][]float32
	// Space names the dense vectors' space (see Model.Space).
	Space string
}

// NewCorpus builds the corpus from each document's tokens and dense vector
// (dense may be nil, or hold nils), with idf over these documents.
func NewCorpus(tokens [][]string, dense [][]float32) *Corpus { return NewCorpusIDF(tokens, dense, nil) }

// NewCorpusIDF is NewCorpus with each term's idf given by idf (called once
// with the whole vocabulary; nil: over these documents). A live instance
// weighs terms by all its papers, so that a stored model's weights mean
// the same in every corpus it scores.
func NewCorpusIDF(tokens [][]string, dense [][]float32, idf func(terms []string) []float32) *Corpus {
	c := &Corpus{Vocab: map[string]int32{}, Dense: dense}
	df := []int{}
	c.Counts = make([][]Term, len(tokens))
	c.Len = make([]int, len(tokens))
	total := 0
	for i, toks := range tokens {
		counts := map[int32]float32{}
		for _, t := range toks {
			id, ok := c.Vocab[t]
			if !ok {
				id = int32(len(c.Terms))
				c.Vocab[t] = id
				c.Terms = append(c.Terms, t)
				df = append(df, 0)
			}
			if counts[id] == 0 {
				df[id]++
			}
			counts[id]++
		}
		c.Counts[i] = sortedTerms(counts)
		c.Len[i] = len(toks)
		total += len(toks)
	}
	n := float64(len(tokens))
	c.AvgLen = float64(total) / max(n, 1)
	if idf != nil {
		c.IDF = idf(c.Terms)
	} else {
		c.IDF = make([]float32, len(c.Terms))
		for id, d := range df {
			c.IDF[id] = float32(math.Log(1 + (n-float64(d)+0.5)/(float64(d)+0.5)))
		}
	}
	c.TFIDF = make([][]Term, len(tokens))
	for i, counts := range c.Counts {
		v := make([]Term, len(counts))
		for j, t := range counts {
			v[j] = Term{t.ID, (1 + float32(math.Log(float64(t.W)))) * c.IDF[t.ID]}
		}
		normalize(v)
		c.TFIDF[i] = v
	}
	return c
}

func sortedTerms(m map[int32]float32) []Term {
	out := make([]Term, 0, len(m))
	for id, w := range m {
		out = append(out, Term{id, w})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}

func normalize(v []Term) {
	var s float64
	for _, t := range v {
		s += float64(t.W) * float64(t.W)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i].W *= inv
	}
}

// dotSparse is the dot product of a sparse vector with a dense weight map.
func dotSparse(v []Term, w map[int32]float32) float32 {
	var s float32
	for _, t := range v {
		s += t.W * w[t.ID]
	}
	return s
}

func dotDense(a, b []float32) float32 {
	if a == nil || b == nil {
		return 0
	}
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// vec is document d's dense vector, nil when the corpus has none.
func (c *Corpus) vec(d int) []float32 {
	if d < len(c.Dense) {
		return c.Dense[d]
	}
	return nil
}
