package search

import "container/heap"

// Block-max bounds. A frequent stem's list holds a large share of all
// papers, and reading it whole is most of what a query of frequent words
// costs. Split into blocks of blockSize postings, each with the largest
// tf/(tf+norm) of its documents, a list tells for each block the most any
// of its documents can get from the term; a block whose most cannot lift
// a document past the current top results is skipped unread (Ding and
// Suel, "Faster top-k document retrieval using block-max indexes", SIGIR
// 2011). Only lists of at least blockedMin postings carry bounds: a
// shorter list is cheap to read, and the many rare stems would each pay
// for a slice.
//
// The ratio depends on the average paper length, which moves as papers
// come and go. A bound is kept with the largest inverse average (ia) it
// was computed at: the ratio's denominator tf + k1(1-b) + k1·b·len·ia
// shrinks at most in proportion to ia, so at a smaller ia the bound grows
// by ia_then/ia_now, and at a larger one it still holds.

const (
	blockSize  = 128
	blockedMin = 4096
)

// blockBound is what one block of a list may hold at most.
type blockBound struct {
	ratio  float32 // the largest tf/(tf+norm) in the block, at invAvg
	invAvg float32 // the largest inverse average length it was computed at
}

// upper bounds tf/(tf+norm) of any document in the block at invAvg ia.
func (bb blockBound) upper(ia float32) float32 {
	if ia <= 0 {
		return 1 // tf/(tf+norm) is below 1
	}
	if ia >= bb.invAvg {
		return bb.ratio
	}
	return bb.ratio * bb.invAvg / ia
}

// ratio is a posting's tf/(tf+norm) for a document of length l.
func ratio(tf uint16, l, ia float32) float32 {
	f := float32(tf)
	return f / (f + k1*(1-b+b*l*ia))
}

// invAvgLocked is the inverse of the live papers' average length.
func (ix *Index) invAvgLocked() float32 {
	if ix.total <= 0 {
		return 0
	}
	return float32(float64(ix.live) / ix.total)
}

// boundsLocked recomputes the bounds of a stem's list (after a load or a
// compaction); a short list has none.
func (ix *Index) boundsLocked(stem string) {
	ps := ix.postings[stem]
	if len(ps) < blockedMin {
		delete(ix.blocks, stem)
		return
	}
	ia := ix.invAvgLocked()
	bs := make([]blockBound, 0, (len(ps)+blockSize-1)/blockSize)
	for i := 0; i < len(ps); i += blockSize {
		bb := blockBound{invAvg: ia}
		for _, p := range ps[i:min(i+blockSize, len(ps))] {
			bb.ratio = max(bb.ratio, ratio(p.tf, ix.lens[p.doc], ia))
		}
		bs = append(bs, bb)
	}
	ix.blocks[stem] = bs
}

// appendBoundLocked accounts for the posting just appended to a stem's
// list, of a document of length l.
func (ix *Index) appendBoundLocked(stem string, tf uint16, l float32) {
	n := len(ix.postings[stem])
	switch {
	case n < blockedMin:
		return
	case n == blockedMin:
		ix.boundsLocked(stem)
		return
	}
	ia := ix.invAvgLocked()
	r := ratio(tf, l, ia)
	bs := ix.blocks[stem]
	if (n-1)%blockSize == 0 {
		ix.blocks[stem] = append(bs, blockBound{r, ia})
		return
	}
	// A posting's ratio at ia bounds it at any smaller ia times ia/ia_now:
	// the block's largest ratio, kept with the largest ia, bounds them all.
	bb := &bs[len(bs)-1]
	bb.ratio, bb.invAvg = max(bb.ratio, r), max(bb.invAvg, ia)
}

// topFloor keeps the limit best scores that one term's pass gave, each
// of a different document: its least is a floor under the limit-th best
// score of the query so far, which only grows.
type topFloor struct {
	h     minHeap
	limit int
}

func (f *topFloor) offer(v float32) {
	switch {
	case len(f.h) < f.limit:
		f.h = append(f.h, v)
		if len(f.h) == f.limit {
			heap.Init(&f.h)
		}
	case v > f.h[0]:
		f.h[0] = v
		heap.Fix(&f.h, 0)
	}
}

// floor is the least of the limit best, 0 until there are limit.
func (f *topFloor) floor() float32 {
	if len(f.h) < f.limit {
		return 0
	}
	return f.h[0]
}
