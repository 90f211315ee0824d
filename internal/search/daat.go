package search

import (
	"math"
	"sort"
)

// The lexical ranking, document at a time: every query term's posting
// list is walked in document order together, one document scored whole
// before the next, and what cannot reach the current top results is
// skipped without being read, in two ways (Mallia et al., "Faster
// learned sparse retrieval with block-max pruning", and Ding and Suel,
// SIGIR 2011, on whose bounds both rest):
//
//   - MaxScore: the terms, weakest first, whose most together stays under
//     the threshold (the limit-th best score so far) cannot bring a
//     document in alone; only the others' lists (the essential ones)
//     propose documents, and a weak term's list is only looked into, by
//     galloping, for a document the essential terms proposed.
//   - Block-max: a long list keeps, per block of postings, the most any
//     of its documents gets (blocks.go). When the bounds of every list's
//     block at the proposed document add up to less than the threshold,
//     no document up to the nearest block end can reach it: the essential
//     lists jump past it together.
//
// Term at a time, a frequent word's bound had to cover every other term's
// most, which left little of its list to skip on queries of several
// frequent words; here each document is bounded by the blocks it lies in.
// The result is exact: the same top results as scoring every posting.

// endDoc is past every document: an exhausted cursor's position.
const endDoc = math.MaxInt32

// cursor walks one query term's posting list.
type cursor struct {
	ps     []posting
	bounds []blockBound // nil: a short list, bounded by most
	w      float32      // weight·idf·(k1+1)
	exact  float32      // w times the exact-form factor
	forms  uint16       // the bits of the query's own forms of the stem
	top    float32      // the weight a posting may get: exact when some paper has a query form
	most   float32      // the most the term adds to any document
	pos    int          // the next posting
	blk    int          // the block the last bound came from, only moving on
}

func newCursor(ps []posting, bounds []blockBound, w float32, forms uint16, ia float32) *cursor {
	c := &cursor{ps: ps, bounds: bounds, w: w, exact: w * (1 + exactBoost), forms: forms, top: w}
	if forms != 0 {
		c.top = c.exact
	}
	c.most = c.top // tf/(tf+norm) is below 1
	if bounds != nil {
		var r float32
		for _, bb := range bounds {
			r = max(r, bb.upper(ia))
		}
		c.most = c.top * r
	}
	return c
}

func (c *cursor) doc() int32 {
	if c.pos < len(c.ps) {
		return c.ps[c.pos].doc
	}
	return endDoc
}

// seek moves to the first posting of a document ≥ d: doubling steps from
// where the cursor is, then a binary search, so that a far jump costs
// about log of its length.
func (c *cursor) seek(d int32) {
	ps := c.ps
	if c.pos >= len(ps) || ps[c.pos].doc >= d {
		return
	}
	lo, hi, step := c.pos+1, c.pos+1, 1
	for hi < len(ps) && ps[hi].doc < d {
		lo = hi + 1
		hi += step
		step *= 2
	}
	hi = min(hi, len(ps))
	c.pos = lo + sort.Search(hi-lo, func(i int) bool { return ps[lo+i].doc >= d })
}

// bound is the most the term can add to any document from d (never less
// than the last d asked about) up to last, the end of the block d may lie
// in; a short list's bound is its most, up to the end.
func (c *cursor) bound(d int32, ia float32) (most float32, last int32) {
	if c.bounds == nil {
		return c.most, endDoc
	}
	for c.blk < len(c.bounds) && c.blockLast(c.blk) < d {
		c.blk++
	}
	if c.blk == len(c.bounds) {
		return 0, endDoc
	}
	return c.top * c.bounds[c.blk].upper(ia), c.blockLast(c.blk)
}

func (c *cursor) blockLast(blk int) int32 {
	return c.ps[min((blk+1)*blockSize, len(c.ps))-1].doc
}

// rank returns the limit best documents by the terms' BM25 parts.
func (ix *Index) rank(cs []*cursor, limit int, ia float32) []Hit {
	// Weakest first; the order among equals must not depend on a map's.
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].most < cs[j].most })
	upto := make([]float32, len(cs)) // upto[i]: the most of cs[0..i] together
	blockUpto := make([]float32, len(cs))
	for i, c := range cs {
		upto[i] = c.most
		if i > 0 {
			upto[i] += upto[i-1]
		}
	}
	top := hitTop{k: limit, ids: ix.ids}
	ess := 0 // cs[:ess] are not essential
	for {
		theta := top.threshold()
		for ess < len(cs) && upto[ess] < theta {
			ess++
		}
		if ess == len(cs) {
			break
		}
		d := int32(endDoc)
		for _, c := range cs[ess:] {
			d = min(d, c.doc())
		}
		if d == endDoc {
			break
		}
		var weak float32 // what the terms that are not essential may add
		if ess > 0 {
			weak = upto[ess-1]
		}
		if top.full() {
			var sum float32
			last := int32(endDoc)
			for i, c := range cs {
				m, l := c.bound(d, ia)
				sum, last = sum+m, min(last, l)
				if blockUpto[i] = m; i > 0 {
					blockUpto[i] += blockUpto[i-1]
				}
			}
			if sum < theta { // no document in [d, last] can reach the results
				if last == endDoc {
					break
				}
				for _, c := range cs[ess:] {
					c.seek(last + 1)
				}
				continue
			}
			if ess > 0 {
				weak = min(weak, blockUpto[ess-1])
			}
		}
		var score float32
		for _, c := range cs[ess:] {
			if c.doc() == d {
				score += ix.part(c.ps[c.pos], c.w, c.exact, c.forms, ia)
				c.pos++
			}
		}
		if (ix.deadPost > 0 && ix.dead[d]) || score+weak < theta {
			continue
		}
		// The weak terms, strongest first, while they can still lift it.
		for i := ess - 1; i >= 0; i-- {
			rest := upto[i]
			if top.full() {
				rest = min(rest, blockUpto[i])
			}
			if score+rest < theta {
				break
			}
			c := cs[i]
			if c.seek(d); c.doc() == d {
				score += ix.part(c.ps[c.pos], c.w, c.exact, c.forms, ia)
			}
		}
		top.offer(d, score)
	}
	return top.sorted()
}
