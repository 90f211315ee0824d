package search

import (
	"math"
	"math/rand/v2"
	"sync"
)

// Graph parameters (Malkov and Yashunin 2018): m links per node on the
// upper layers, 2m on the bottom one, efConstruction candidates while
// inserting, EfSearch while searching.
const (
	hnswM          = 16
	efConstruction = 100
)

// EfSearch is how many candidates a semantic query keeps; more finds more
// of the true nearest neighbours and costs more.
var EfSearch = 128

// graph is a hierarchical navigable small world graph over the vectors of
// a vecStore: a query walks from the top layer's entry point towards its
// nearest neighbours, comparing with a few thousand vectors instead of all.
// Inserts may run in parallel (the build uses every CPU); a lock per stripe
// of nodes guards the link lists, and searches take the same locks so that
// they may run beside a build.
type graph struct {
	vecs   *vecStore
	levels []int8      // doc → top layer, -1 when not in the graph
	links0 []int32     // doc → 2m bottom-layer links, from doc·2m
	n0     []uint8     // doc → bottom-layer link count
	upper  [][][]int32 // doc → links on layers 1…levels[doc]
	locks  [1024]sync.Mutex

	entryMu  sync.Mutex
	entry    int32
	maxLevel int

	rngMu sync.Mutex
	rng   *rand.Rand
}

func newGraph(vecs *vecStore, seed uint64) *graph {
	return &graph{vecs: vecs, entry: -1, rng: rand.New(rand.NewPCG(seed, 0x6a))}
}

// grow makes room for documents below n (not concurrently with inserts).
func (g *graph) grow(n int) {
	for len(g.levels) < n {
		g.levels = append(g.levels, -1)
		g.n0 = append(g.n0, 0)
		g.upper = append(g.upper, nil)
	}
	if need := n * 2 * hnswM; need > len(g.links0) {
		g.links0 = append(g.links0, make([]int32, need-len(g.links0))...)
	}
}

// neighbours copies doc's links on layer l into buf.
func (g *graph) neighbours(doc int32, l int, buf []int32) []int32 {
	mu := &g.locks[int(doc)%len(g.locks)]
	mu.Lock()
	if l == 0 {
		buf = append(buf[:0], g.links0[int(doc)*2*hnswM:int(doc)*2*hnswM+int(g.n0[doc])]...)
	} else {
		buf = append(buf[:0], g.upper[doc][l-1]...)
	}
	mu.Unlock()
	return buf
}

// insert links doc (its vector is in the store) into the graph.
func (g *graph) insert(doc int32) {
	q := g.vecs.get(doc, nil)
	g.rngMu.Lock()
	lvl := min(int(-math.Log(1-g.rng.Float64())/math.Log(hnswM)), 30)
	g.rngMu.Unlock()
	mu := &g.locks[int(doc)%len(g.locks)]
	mu.Lock()
	g.levels[doc] = int8(lvl)
	if lvl > 0 {
		g.upper[doc] = make([][]int32, lvl)
	}
	mu.Unlock()
	g.entryMu.Lock()
	ep, top := g.entry, g.maxLevel
	if ep < 0 {
		g.entry, g.maxLevel = doc, lvl
		g.entryMu.Unlock()
		return
	}
	g.entryMu.Unlock()
	s := getSearcher(len(g.levels))
	defer putSearcher(s)
	cur := scored{ep, g.vecs.dot(q, ep)}
	for l := top; l > lvl; l-- {
		cur = g.greedy(q, cur, l, s)
	}
	entries := []scored{cur}
	for l := min(top, lvl); l >= 0; l-- {
		found := g.searchLayer(q, entries, efConstruction, l, s, nil)
		maxLinks := hnswM
		if l == 0 {
			maxLinks = 2 * hnswM
		}
		chosen := g.selectNeighbours(found, hnswM)
		g.setLinks(doc, l, chosen)
		for _, c := range chosen {
			g.addLink(c.doc, doc, c.score, l, maxLinks)
		}
		entries = found
	}
	if lvl > top {
		g.entryMu.Lock()
		if lvl > g.maxLevel {
			g.entry, g.maxLevel = doc, lvl
		}
		g.entryMu.Unlock()
	}
}

// selectNeighbours keeps, from candidates sorted best first, those closer
// to the new node than to any neighbour already kept (the heuristic of the
// paper's Algorithm 4): links then point in different directions, which is
// what keeps clustered data navigable.
func (g *graph) selectNeighbours(cands []scored, m int) []scored {
	out := make([]scored, 0, m)
	dim := g.vecs.dim
	kept := make([]float32, m*dim) // the vectors of out, decoded once each
	for _, c := range cands {
		cv := g.vecs.slot(c.doc)
		ok := true
		for i := range out {
			if dotHalf(kept[i*dim:(i+1)*dim], cv) > c.score {
				ok = false
				break
			}
		}
		if ok {
			g.vecs.decode(c.doc, kept[len(out)*dim:(len(out)+1)*dim])
			out = append(out, c)
			if len(out) == m {
				break
			}
		}
	}
	return out
}

func (g *graph) setLinks(doc int32, l int, links []scored) {
	mu := &g.locks[int(doc)%len(g.locks)]
	mu.Lock()
	defer mu.Unlock()
	g.writeLinks(doc, l, links)
}

// writeLinks replaces doc's links on layer l; the caller holds its lock.
func (g *graph) writeLinks(doc int32, l int, links []scored) {
	if l == 0 {
		base := int(doc) * 2 * hnswM
		for i, c := range links {
			g.links0[base+i] = c.doc
		}
		g.n0[doc] = uint8(len(links))
		return
	}
	ids := make([]int32, len(links))
	for i, c := range links {
		ids[i] = c.doc
	}
	g.upper[doc][l-1] = ids
}

// addLink adds a link from n to doc on layer l; when n's list is full, the
// heuristic chooses which links n keeps.
func (g *graph) addLink(n, doc int32, score float32, l, maxLinks int) {
	mu := &g.locks[int(n)%len(g.locks)]
	mu.Lock()
	var cur []int32
	if l == 0 {
		cur = g.links0[int(n)*2*hnswM : int(n)*2*hnswM+int(g.n0[n])]
	} else {
		cur = g.upper[n][l-1]
	}
	if len(cur) < maxLinks {
		if l == 0 {
			g.links0[int(n)*2*hnswM+len(cur)] = doc
			g.n0[n]++
		} else {
			g.upper[n][l-1] = append(cur, doc)
		}
		mu.Unlock()
		return
	}
	nv := g.vecs.get(n, nil)
	cands := make([]scored, 0, len(cur)+1)
	cands = append(cands, scored{doc, score})
	for _, c := range cur {
		cands = append(cands, scored{c, g.vecs.dot(nv, c)})
	}
	t := topK{k: len(cands), h: cands}
	g.writeLinks(n, l, g.selectNeighbours(t.sorted(), maxLinks))
	mu.Unlock()
}

// greedy walks layer l from cur to the nearest node it can reach.
func (g *graph) greedy(q []float32, cur scored, l int, s *searcher) scored {
	for changed := true; changed; {
		changed = false
		s.buf = g.neighbours(cur.doc, l, s.buf)
		for _, n := range s.buf {
			if sc := g.vecs.dot(q, n); sc > cur.score {
				cur, changed = scored{n, sc}, true
			}
		}
	}
	return cur
}

// searchLayer is the paper's Algorithm 2: a best-first walk of layer l
// from entries that keeps the ef nearest nodes found. keep (nil: all)
// decides which nodes may be results; the walk goes through the others.
func (g *graph) searchLayer(q []float32, entries []scored, ef, l int, s *searcher, keep func(int32) bool) []scored {
	s.next()
	cand := &s.cand
	cand.h = cand.h[:0]
	res := topK{k: ef}
	for _, e := range entries {
		if !s.visit(e.doc) {
			continue
		}
		cand.push(e)
		if (keep == nil || keep(e.doc)) && !res.full(e.score) {
			res.push(e)
		}
	}
	for len(cand.h) > 0 {
		c := cand.pop()
		if res.full(c.score) {
			break
		}
		s.buf = g.neighbours(c.doc, l, s.buf)
		// Touch the unvisited neighbours' vectors first: the loads are
		// independent, so their cache misses overlap instead of stalling
		// each dot product in turn (the vectors rarely are in cache).
		var touch float32
		for _, n := range s.buf {
			if int(n) < len(s.marks) && s.marks[n] != s.epoch {
				touch += halfFloats[g.vecs.slot(n)[0]]
			}
		}
		s.sink += touch
		for _, n := range s.buf {
			if !s.visit(n) {
				continue
			}
			sc := g.vecs.dot(q, n)
			if res.full(sc) {
				continue
			}
			cand.push(scored{n, sc})
			if keep == nil || keep(n) {
				res.push(scored{n, sc})
			}
		}
	}
	return res.sorted()
}

// search returns the k nodes nearest to q for which keep is true. The
// bottom-layer walk starts from where the upper layers lead and from seeds,
// nodes likely near q (for a query: the papers BM25 ranks first, and each
// word's nearest papers). Seeds matter for short queries: their vectors lie
// far from every paper and between topics, and a walk from one entry finds
// the nearest papers of one topic but misses the others'.
func (g *graph) search(q []float32, k, ef int, keep func(int32) bool, seeds []int32) []scored {
	g.entryMu.Lock()
	ep, top := g.entry, g.maxLevel
	g.entryMu.Unlock()
	if ep < 0 {
		return nil
	}
	s := getSearcher(len(g.levels))
	defer putSearcher(s)
	cur := scored{ep, g.vecs.dot(q, ep)}
	for l := top; l > 0; l-- {
		cur = g.greedy(q, cur, l, s)
	}
	entries := []scored{cur}
	for _, d := range seeds {
		if d != cur.doc && int(d) < len(g.levels) && g.levels[d] >= 0 {
			entries = append(entries, scored{d, g.vecs.dot(q, d)})
		}
	}
	found := g.searchLayer(q, entries, max(ef, k), 0, s, keep)
	return found[:min(k, len(found))]
}
