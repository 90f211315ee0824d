package search

import (
	"math"
	"math/bits"
)

// The lexical ranking: block-max MaxScore over windows of documents, the
// way Lucene's MaxScoreBulkScorer runs a disjunction. The documents are
// taken in windows of window numbers, and a list's bound over a window is
// the largest of its blocks' there (blocks.go). In each window:
//
//   - the terms are ordered by what they can add there at most; the
//     weakest, whose most together stays under the threshold (the
//     limit-th best score so far), cannot bring a document in alone: they
//     are non-essential. When every term is, the window is skipped unread.
//   - when a document needs some term to reach the threshold and that
//     term's list is the shortest way to read the window, it alone is
//     essential (see essential);
//   - the essential terms' postings in the window are added into a small
//     array of the window's scores, a tight loop per list over memory that
//     stays in cache (term at a time, inside the window); with one
//     essential list, each posting is a candidate as it is read;
//   - each document they scored that could still reach the threshold with
//     the non-essential terms' most is looked up in those terms' lists,
//     strongest first, by galloping, and dropped as soon as what is left
//     cannot lift it; a document that reaches the threshold enters the top.
//
// Term at a time over whole lists (the ranking before this one), a
// frequent word's bound had to cover every other term's most, and a
// document-at-a-time walk over cursors paid a round of the cursors for
// every document (both measured in docs/PERFORMANCE.md); here the bounds
// are per window and the inner loop is a list's. Scores are summed in
// float64, where adding float32 parts is exact at these magnitudes, so a
// document's score does not depend on which of its terms were essential.
// The result is exact: the same top results as scoring every posting.

const (
	window = 8192 // the documents a window spans (its scores, 64 KiB, stay in L2)
	// boundSlack covers float32 rounding between a bound and a part.
	boundSlack = 1 + 1e-5
)

// endDoc is past every document: an exhausted cursor's position.
const endDoc = math.MaxInt32

// cursor is one query term's place in its posting list.
type cursor struct {
	ps         []posting
	bounds     []blockBound // nil: a short list, bounded by most
	w, exact   float32      // weight·idf·(k1+1); the same with the exact-form factor
	exactForms uint16       // the bits of the query's own forms of the stem
	i          int          // the first posting not yet passed
	end        int          // the first posting past the current window
	most       float64      // the most the term adds to any document
	wmost      float64      // the most it adds in the current window
}

func newCursor(ps []posting, bounds []blockBound, w float32, exactForms uint16, ia float32) *cursor {
	c := &cursor{ps: ps, bounds: bounds, w: w, exact: w * (1 + exactBoost), exactForms: exactForms}
	if bounds == nil {
		top := w
		if exactForms != 0 {
			top = c.exact
		}
		c.most = float64(top) * boundSlack // tf/(tf+norm) is below 1
		return c
	}
	for k := range bounds {
		c.most = max(c.most, c.blockMost(k, ia))
	}
	return c
}

func (c *cursor) doc() int32 {
	if c.i < len(c.ps) {
		return c.ps[c.i].doc
	}
	return endDoc
}

// blockMost is the most the term adds to a document of block k: the
// exact weight only for what the block's postings with one of the query's
// forms may reach (blocks.go).
func (c *cursor) blockMost(k int, ia float32) float64 {
	bb := &c.bounds[k]
	m := c.w * bb.upper(ia)
	switch {
	case bb.forms&c.exactForms == 0:
	case c.exactForms >= 1<<boundForms: // a form without a bound of its own
		m = c.exact * bb.upper(ia)
	default:
		m = max(m, c.exact*bb.formUpper(c.exactForms, ia))
	}
	return float64(m) * boundSlack
}

// blockStop is where the run of postings from i that the window reads
// ends: the end of i's block, or of the window; skip, when no document of
// the block can reach theta even with the most the other terms add
// (others), so that the run is passed unread.
func (c *cursor) blockStop(i int, others, theta float64, ia float32) (stop int, skip bool) {
	if c.bounds == nil {
		return c.end, false
	}
	k := i / blockSize
	return min((k+1)*blockSize, c.end), c.blockMost(k, ia)+others < theta
}

// windowMost is the most the term adds to a document in [lo, hi), the
// cursor being at the first posting ≥ lo.
func (c *cursor) windowMost(hi int32, ia float32) float64 {
	if c.doc() >= hi {
		return 0
	}
	if c.bounds == nil {
		return c.most
	}
	m := 0.0
	for k := c.i / blockSize; k < len(c.bounds) && c.ps[k*blockSize].doc < hi; k++ {
		m = max(m, c.blockMost(k, ia))
	}
	return m
}

// seek moves to the first posting of a document ≥ d.
func (c *cursor) seek(d int32) { c.i = c.until(d) }

// until is the index of the first posting of a document ≥ d, from the
// cursor on: doubling steps, then a binary search, so that a far jump
// costs about log of its length.
func (c *cursor) until(d int32) int {
	ps := c.ps
	if c.i >= len(ps) || ps[c.i].doc >= d {
		return c.i
	}
	lo, hi, step := c.i+1, c.i+1, 1
	for hi < len(ps) && ps[hi].doc < d {
		lo = hi + 1
		hi += step
		step *= 2
	}
	hi = min(hi, len(ps))
	for lo < hi { // the first of ps[lo:hi] at or past d; ps[hi] is, if any
		m := int(uint(lo+hi) >> 1)
		if ps[m].doc < d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// window ranks the documents in [lo, hi), every cursor being at its first
// posting ≥ lo.
func (ix *Index) window(ws *windowScratch, cs []*cursor, lo, hi int32, ia float32, top *lexTop) {
	theta := top.threshold()
	ws.ord = append(ws.ord[:0], cs...)
	total := 0.0
	for _, c := range ws.ord {
		c.wmost, c.end = c.windowMost(hi, ia), c.until(hi)
		total += c.wmost
	}
	if total < theta {
		return
	}
	sortCursors(ws.ord, func(c *cursor) float64 { return c.wmost })
	ess := ix.essential(ws.ord, total, theta)
	nonEss, weak := ws.ord[:len(ws.ord)-len(ess)], 0.0
	for _, c := range nonEss {
		weak += c.wmost
	}
	if len(ess) == 1 { // the common case: each posting is a candidate as it is read
		c := ess[0]
		for i := c.i; i < c.end; {
			stop, skip := c.blockStop(i, weak, theta, ia)
			for ; i < stop && !skip; i++ {
				p := c.ps[i]
				s := float64(ix.part(p, c.w, c.exact, c.exactForms, ia))
				if s+weak < theta || (ix.deadPost > 0 && ix.dead[p.doc]) {
					continue
				}
				theta = ix.candidate(s, p.doc, nonEss, weak, theta, ia, top)
			}
			i = stop
		}
		c.i = c.end
		return
	}
	for _, c := range ess {
		others := total - c.wmost
		for i := c.i; i < c.end; {
			stop, skip := c.blockStop(i, others, theta, ia)
			for ; i < stop && !skip; i++ {
				p := c.ps[i]
				if ix.deadPost > 0 && ix.dead[p.doc] {
					continue
				}
				off := p.doc - lo
				ws.acc[off] += float64(ix.part(p, c.w, c.exact, c.exactForms, ia))
				ws.seen[off>>6] |= 1 << (off & 63)
			}
			i = stop
		}
		c.i = c.end
	}
	for wi := range (hi - lo + 63) / 64 {
		for word := ws.seen[wi]; word != 0; word &= word - 1 {
			off := wi*64 + int32(bits.TrailingZeros64(word))
			theta = ix.candidate(ws.acc[off], lo+off, nonEss, weak, theta, ia, top)
			ws.acc[off] = 0
		}
		ws.seen[wi] = 0
	}
}

// candidate completes the score s of document d from the non-essential
// lists, strongest first, as long as what they can still add (left) could
// lift it to theta, and offers it to the top; it returns the threshold.
func (ix *Index) candidate(s float64, d int32, nonEss []*cursor, left, theta float64, ia float32, top *lexTop) float64 {
	for j := len(nonEss) - 1; j >= 0 && s+left >= theta; j-- {
		c := nonEss[j]
		left -= c.wmost
		if c.seek(d); c.i < len(c.ps) && c.ps[c.i].doc == d {
			s += float64(ix.part(c.ps[c.i], c.w, c.exact, c.exactForms, ia))
		}
	}
	if s >= theta && top.offer(s, d) {
		return top.threshold()
	}
	return theta
}

// essential picks, among ord (by most in the window, least first), the
// lists whose documents are the window's candidates, and moves them to its
// end: any set will do whose complement's most together stays under theta,
// since a document in none of its lists cannot reach it. MaxScore's set is
// the strongest lists, as many as that takes; but when theta is so high
// that a document must have some term to reach it (the others' most stays
// under theta), that term's list alone will do, and when it holds fewer of
// the window's postings (a conjunction of frequent words), it is read
// instead.
func (ix *Index) essential(ord []*cursor, total, theta float64) []*cursor {
	ne, weak := 0, 0.0
	for ne < len(ord) && weak+ord[ne].wmost < theta {
		weak += ord[ne].wmost
		ne++
	}
	cost := 0
	for _, c := range ord[ne:] {
		cost += c.end - c.i
	}
	req := -1
	for j, c := range ord {
		if total-c.wmost < theta && c.end-c.i < cost {
			req, cost = j, c.end-c.i
		}
	}
	if req < 0 {
		return ord[ne:]
	}
	c := ord[req]
	copy(ord[req:], ord[req+1:])
	ord[len(ord)-1] = c
	return ord[len(ord)-1:]
}

// sortCursors orders a query's few cursors by key, least first (insertion
// sort, stable: ties keep the order they came in).
func sortCursors(cs []*cursor, key func(*cursor) float64) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && key(cs[j]) < key(cs[j-1]); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// part is a posting's BM25 part: w·tf/(tf+norm), with the exact weight
// when the paper has one of the query's own forms of the stem.
func (ix *Index) part(p posting, w, exact float32, exactForms uint16, invAvg float32) float32 {
	tf := p.freq()
	norm := k1 * (1 - b + b*ix.lens[p.doc]*invAvg)
	if p.forms&exactForms != 0 {
		w = exact
	}
	return w * tf / (tf + norm)
}
