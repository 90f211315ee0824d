package search

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelMin is the postings a query's lists must hold together for its
// ranking to be split between two goroutines, each over half of the
// documents: below it, the split costs more than it saves. (A variable
// for the tests.)
var parallelMin = 200_000

// windowScratch is a window's scores and which of them are set, reused
// across queries.
type windowScratch struct {
	acc  [window]float64
	seen [window / 64]uint64
	ord  []*cursor
}

var windowPool = sync.Pool{New: func() any { return new(windowScratch) }}

// rank returns the limit best documents by the terms' BM25 parts (see
// maxscore.go). A query whose lists are long is ranked in two halves of
// the document numbers at once, on two cores when there are: each half
// keeps its own top, and each prunes against the higher of the two
// thresholds, since the limit-th best of either half is a floor under the
// limit-th best of all; the two tops are merged.
func (ix *Index) rank(cs []*cursor, limit int, ia float32) []Hit {
	// Weakest first, overall: a prefix whose most stays under the threshold
	// cannot propose a document, so the windows follow the other lists.
	sortCursors(cs, func(c *cursor) float64 { return c.most })
	postings := 0
	for _, c := range cs {
		postings += len(c.ps)
	}
	if postings < parallelMin || runtime.GOMAXPROCS(0) < 2 || len(ix.ids) < 2*window {
		top := newLexTop(limit, ix.ids, nil)
		ix.rankRange(cs, 0, endDoc, ia, top)
		return top.hits()
	}
	mid := int32(len(ix.ids) / 2)
	var shared atomic.Uint64 // the higher threshold, as float64 bits
	second := make([]*cursor, len(cs))
	for i, c := range cs {
		cc := *c
		cc.seek(mid)
		second[i] = &cc
	}
	top, top2 := newLexTop(limit, ix.ids, &shared), newLexTop(limit, ix.ids, &shared)
	var wg sync.WaitGroup
	wg.Go(func() { ix.rankRange(second, mid, endDoc, ia, top2) })
	ix.rankRange(cs, 0, mid, ia, top)
	wg.Wait()
	for _, e := range top2.h.s {
		top.offer(e.score, e.doc)
	}
	return top.hits()
}

// rankRange ranks the documents in [from, to) into top, the cursors being
// at their first postings ≥ from.
func (ix *Index) rankRange(cs []*cursor, from, to int32, ia float32, top *lexTop) {
	ws := windowPool.Get().(*windowScratch)
	defer windowPool.Put(ws)
	for next := from; next < to; {
		theta := top.threshold()
		lo, rest := int32(endDoc), 0.0
		for _, c := range cs {
			c.seek(next)
			if rest += c.most; rest >= theta {
				lo = min(lo, c.doc())
			}
		}
		if lo >= to {
			break
		}
		hi := min(lo+window, to)
		for _, c := range cs {
			c.seek(lo)
		}
		ix.window(ws, cs, lo, hi, ia, top)
		next = hi
	}
}

// raise lifts the shared threshold to v if it is lower.
func raise(shared *atomic.Uint64, v float64) {
	for {
		old := shared.Load()
		if math.Float64frombits(old) >= v || shared.CompareAndSwap(old, math.Float64bits(v)) {
			return
		}
	}
}
