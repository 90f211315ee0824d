package search

import (
	"errors"
	"math"
	"sort"
)

// MaxTrainDocs bounds the papers the semantic model is trained on: above it
// a uniform sample is used. Term vectors learnt from 100,000 abstracts
// cover a field's vocabulary; training on more costs time and memory
// (dense matrices of documents × 266) for little gain.
const MaxTrainDocs = 100000

// embedChunk is how many documents are embedded at once from the postings.
const embedChunk = 1 << 15

// corpusView is what training reads: term → postings (sorted by document)
// and which documents are dead.
type corpusView struct {
	postings map[string][]posting
	dead     []bool
}

// trainLSA trains a model on a sample of the live documents straight from
// the postings, with no per-document maps.
func trainLSA(c corpusView, o LSAOptions) (*LSA, error) {
	live := 0
	for _, d := range c.dead {
		if !d {
			live++
		}
	}
	if live < 4 {
		return nil, errors.New("lsa: need at least 4 documents")
	}
	stride := (live + MaxTrainDocs - 1) / MaxTrainDocs
	row := make([]int32, len(c.dead)) // doc → sample row, -1 when not sampled
	n, seen := 0, 0
	for doc, d := range c.dead {
		row[doc] = -1
		if !d {
			if seen%stride == 0 {
				row[doc] = int32(n)
				n++
			}
			seen++
		}
	}
	o.defaults(n)
	stats := map[string]*termStats{}
	for t, ps := range c.postings {
		var st termStats
		for _, p := range ps {
			if row[p.doc] >= 0 {
				st.add(p.freq())
			}
		}
		if st.df > 0 {
			stats[t] = &st
		}
	}
	l := newLSA(stats, n, o)
	a := sampleMatrix(c, l, row, n)
	if err := l.fit(a, o); err != nil {
		return nil, err
	}
	return l, nil
}

// sampleMatrix builds the weighted matrix of the sampled documents (rows
// L2-normalized, columns in term order) by counting sort over the postings.
func sampleMatrix(c corpusView, l *LSA, row []int32, n int) *csr {
	a := &csr{rowStart: make([]int, n+1)}
	for _, t := range l.words {
		for _, p := range c.postings[t] {
			if r := row[p.doc]; r >= 0 {
				a.rowStart[r+1]++
			}
		}
	}
	for r := 0; r < n; r++ {
		a.rowStart[r+1] += a.rowStart[r]
	}
	a.cols = make([]int32, a.rowStart[n])
	a.vals = make([]float64, a.rowStart[n])
	next := append([]int(nil), a.rowStart[:n]...)
	norms := make([]float64, n)
	for id, t := range l.words {
		for _, p := range c.postings[t] {
			if r := row[p.doc]; r >= 0 {
				w := l.weight(int32(id), p.freq())
				a.cols[next[r]], a.vals[next[r]] = int32(id), w
				next[r]++
				norms[r] += w * w
			}
		}
	}
	for r := 0; r < n; r++ {
		if norms[r] > 0 {
			inv := 1 / math.Sqrt(norms[r])
			for k := a.rowStart[r]; k < a.rowStart[r+1]; k++ {
				a.vals[k] *= inv
			}
		}
	}
	return a
}

func (l *LSA) termVec(id int32) []float32 { return l.terms[int(id)*l.Dim : int(id+1)*l.Dim] }

// embedRange embeds the live documents in [lo, hi) from the postings (the
// same fold-in as EmbedTF) into vs, a chunk at a time with the chunk split
// over the CPUs.
func embedRange(c corpusView, l *LSA, vs *vecStore, lo, hi int) {
	lists := make([][]posting, len(l.words))
	for id, t := range l.words {
		lists[id] = c.postings[t]
	}
	dim := l.Dim
	vs.grow(hi)
	buf := make([]float32, min(embedChunk, max(0, hi-lo))*dim)
	for cLo := lo; cLo < hi; cLo += embedChunk {
		cHi := min(hi, cLo+embedChunk)
		clear(buf)
		parallel(cHi-cLo, func(a, b int) {
			a, b = a+cLo, b+cLo
			for id, ps := range lists {
				i := sort.Search(len(ps), func(i int) bool { return int(ps[i].doc) >= a })
				for ; i < len(ps) && int(ps[i].doc) < b; i++ {
					if d := ps[i].doc; !c.dead[d] {
						axpy(float32(l.weight(int32(id), ps[i].freq())), l.termVec(int32(id)), buf[(int(d)-cLo)*dim:(int(d)-cLo+1)*dim])
					}
				}
			}
			for d := a; d < b; d++ {
				if v := buf[(d-cLo)*dim : (d-cLo+1)*dim]; !c.dead[d] && normalize(v) {
					vs.set(int32(d), v)
				}
			}
		})
	}
}

// termSeedCount is how many papers per term seed the graph walk.
const termSeedCount = 32

// termSeeds returns, for each vocabulary term, the live papers where BM25
// ranks it highest (what a one-word query would return first): walks of
// the graph start there too, so every word of a query leads to its own
// papers. One pass over the postings, split over the CPUs.
func termSeeds(c corpusView, l *LSA, lens []float32, avg float32) [][]int32 {
	out := make([][]int32, len(l.words))
	parallel(len(l.words), func(lo, hi int) {
		for id := lo; id < hi; id++ {
			top := topK{k: termSeedCount}
			for _, p := range c.postings[l.words[id]] {
				if c.dead[p.doc] {
					continue
				}
				tf := p.freq()
				s := tf / (tf + k1*(1-b+b*lens[p.doc]/avg))
				if !top.full(s) {
					top.push(scored{p.doc, s})
				}
			}
			for _, s := range top.sorted() {
				out[id] = append(out[id], s.doc)
			}
		}
	})
	return out
}

// nearSeedEf is how many candidates the walk keeps when nearSeeds looks
// for a word's nearest papers: 16 times a query's, since it runs once per
// word at training and its answer seeds every query with that word.
const nearSeedEf = 2048

// nearSeeds returns, for each vocabulary term, the termSeedCount papers
// whose vectors are nearest the term's own: a one-word query's semantic
// answer, found once by a wide walk of the graph (from the term's BM25
// seeds too). Where BM25's best papers for a word are the ones that repeat
// it, these are the ones about it; in a large corpus they lie in clusters
// the graph does not link to each other, and a query's walk, which starts
// from one entry point and its BM25 seeds, misses the clusters it does not
// start in. Measured at 1 M papers: recall@10 0.807 → 0.888 at ef 128
// (docs/PERFORMANCE.md). Split over the CPUs.
func nearSeeds(l *LSA, g *graph, bm [][]int32) [][]int32 {
	out := make([][]int32, len(l.words))
	nearSeedsInto(out, l, g, bm, 0, len(l.words))
	return out
}

// nearSeedsInto is nearSeeds for the words in [lo, hi), into out.
func nearSeedsInto(out [][]int32, l *LSA, g *graph, bm [][]int32, lo, hi int) {
	parallel(hi-lo, func(a, b int) {
		q := make([]float32, l.Dim)
		for id := lo + a; id < lo+b; id++ {
			copy(q, l.termVec(int32(id)))
			if !normalize(q) {
				continue
			}
			var from []int32
			if id < len(bm) {
				from = bm[id]
			}
			for _, f := range g.search(q, termSeedCount, nearSeedEf, nil, from) {
				out[id] = append(out[id], f.doc)
			}
		}
	})
}
