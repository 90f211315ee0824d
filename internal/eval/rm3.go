package eval

import (
	"math"
	"sort"

	"github.com/kljensen/snowball/english"

	"github.com/quire/quire/internal/search"
)

// RM3 is the classical pipeline quire's search is measured against: BM25
// (k1 1.2, b 0.75, the idf ln(1 + (N − df + ½)/(df + ½))) over Snowball
// English stems of title and text, with RM3 pseudo-relevance feedback
// (Lavrenko and Croft 2001; Abdul-Jaleel et al. 2004, model 3) as Anserini
// runs it: the top FbDocs documents' term distributions (tf / length),
// weighted by their BM25 scores, summed; the best FbTerms terms kept and
// normalized to sum 1; interpolated with the normalized original query,
// OrigWeight of it; then BM25 again with those term weights. A baseline of
// its own, sharing nothing with quire's index.
//
// PlainBM25 builds the same BM25 over unstemmed words: the textbook
// ranking the hybrid's gain is measured from.
type RM3 struct {
	FbDocs, FbTerms int
	OrigWeight      float64

	analyze func(string) []string // text → indexed terms

	ids      []string
	tf       []map[string]float64 // per document, stem → count
	lens     []float64
	avg      float64
	postings map[string][]int // stem → documents, ascending
}

// NewRM3 indexes docs with the parameters the issue names: 10 feedback
// documents, 20 terms, equal weight to the original query.
func NewRM3(docs []Doc) *RM3 { return newBM25(docs, Stems) }

// PlainBM25 indexes docs for textbook BM25: quire's tokenizer and stop
// words, no stemming (its BM25 method; Rank would add RM3 over words).
func PlainBM25(docs []Doc) *RM3 { return newBM25(docs, search.Tokens) }

func newBM25(docs []Doc, analyze func(string) []string) *RM3 {
	r := &RM3{FbDocs: 10, FbTerms: 20, OrigWeight: 0.5, analyze: analyze, postings: map[string][]int{}}
	var total float64
	for i, d := range docs {
		tf := map[string]float64{}
		toks := analyze(d.Title + " " + d.Text)
		for _, t := range toks {
			if tf[t] == 0 {
				r.postings[t] = append(r.postings[t], i)
			}
			tf[t]++
		}
		r.ids = append(r.ids, d.ID)
		r.tf = append(r.tf, tf)
		r.lens = append(r.lens, float64(len(toks)))
		total += float64(len(toks))
	}
	r.avg = total / math.Max(1, float64(len(docs)))
	return r
}

// Stems are the Snowball English stems of a text's tokens (quire's
// tokenizer and stop words).
func Stems(s string) []string {
	toks := search.Tokens(s)
	for i, t := range toks {
		toks[i] = english.Stem(t, false)
	}
	return toks
}

type docScore struct {
	doc   int
	score float64
}

// bm25 ranks every document matching a weighted query.
func (r *RM3) bm25(q map[string]float64) []docScore {
	n := float64(len(r.ids))
	acc := map[int]float64{}
	for t, w := range q {
		ps := r.postings[t]
		if len(ps) == 0 {
			continue
		}
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, d := range ps {
			tf := r.tf[d][t]
			acc[d] += w * idf * tf * (1.2 + 1) / (tf + 1.2*(1-0.75+0.75*r.lens[d]/r.avg))
		}
	}
	out := make([]docScore, 0, len(acc))
	for d, s := range acc {
		out = append(out, docScore{d, s})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].score != out[b].score {
			return out[a].score > out[b].score
		}
		return out[a].doc < out[b].doc
	})
	return out
}

// query is a text's terms with their counts.
func (r *RM3) query(text string) map[string]float64 {
	q := map[string]float64{}
	for _, t := range r.analyze(text) {
		q[t]++
	}
	return q
}

// BM25 ranks by BM25 alone.
func (r *RM3) BM25(q string) []string { return r.top(r.bm25(r.query(q))) }

// Rank ranks by BM25 with RM3 feedback.
func (r *RM3) Rank(q string) []string { return r.top(r.bm25(r.Expand(q))) }

// Expand is the RM3 query: the original's terms and the feedback terms,
// with their weights.
func (r *RM3) Expand(text string) map[string]float64 {
	orig := r.query(text)
	first := r.bm25(orig)
	if len(first) == 0 {
		return orig
	}
	rel := map[string]float64{}
	for _, ds := range first[:min(r.FbDocs, len(first))] {
		for t, c := range r.tf[ds.doc] {
			rel[t] += ds.score * c / r.lens[ds.doc]
		}
	}
	type tw struct {
		t string
		w float64
	}
	terms := make([]tw, 0, len(rel))
	for t, w := range rel {
		terms = append(terms, tw{t, w})
	}
	sort.Slice(terms, func(a, b int) bool {
		if terms[a].w != terms[b].w {
			return terms[a].w > terms[b].w
		}
		return terms[a].t < terms[b].t
	})
	terms = terms[:min(r.FbTerms, len(terms))]
	var fbSum, origSum float64
	for _, x := range terms {
		fbSum += x.w
	}
	for _, w := range orig {
		origSum += w
	}
	out := map[string]float64{}
	for t, w := range orig {
		out[t] += r.OrigWeight * w / origSum
	}
	for _, x := range terms {
		out[x.t] += (1 - r.OrigWeight) * x.w / fbSum
	}
	return out
}

func (r *RM3) top(ds []docScore) []string {
	out := make([]string, 0, min(Depth, len(ds)))
	for _, d := range ds[:min(Depth, len(ds))] {
		out = append(out, r.ids[d.doc])
	}
	return out
}
