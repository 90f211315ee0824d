package search

import (
	"math"
	"math/bits"
)

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
	// forms: the surface forms the block's postings have (formBit): a block
	// where none has the query's own form is bounded without the exact-form
	// factor.
	forms uint16
	// formMax: for each of the stem's first boundForms forms, the largest
	// ratio among the postings with it, in 255ths rounded up: a frequent
	// stem's rare form is in most blocks, but seldom in their best posting,
	// and the exact-form factor then bounds only what that form reaches.
	formMax [boundForms]uint8
}

// boundForms is how many forms have a bound of their own per block.
const boundForms = 8

// scale is what a ratio computed at bb.invAvg may grow by at ia.
func (bb blockBound) scale(ia float32) float32 {
	if ia >= bb.invAvg {
		return 1
	}
	return bb.invAvg / ia
}

// upper bounds tf/(tf+norm) of any document in the block at invAvg ia.
func (bb blockBound) upper(ia float32) float32 {
	if ia <= 0 {
		return 1 // tf/(tf+norm) is below 1
	}
	return bb.ratio * bb.scale(ia)
}

// formUpper bounds tf/(tf+norm) at ia of the block's documents that have
// one of the forms (bits below 1<<boundForms).
func (bb blockBound) formUpper(forms uint16, ia float32) float32 {
	if ia <= 0 {
		return 1
	}
	var q uint8
	for ; forms != 0; forms &= forms - 1 {
		q = max(q, bb.formMax[bits.TrailingZeros16(forms)])
	}
	return min(float32(q)/255, bb.ratio) * bb.scale(ia)
}

// add accounts for a posting of ratio r at ia in the block.
func (bb *blockBound) add(p posting, r, ia float32) {
	bb.ratio, bb.invAvg = max(bb.ratio, r), max(bb.invAvg, ia)
	bb.forms |= p.forms
	q := uint8(min(255, math.Ceil(float64(r)*255)))
	for f := p.forms & (1<<boundForms - 1); f != 0; f &= f - 1 {
		i := bits.TrailingZeros16(f)
		bb.formMax[i] = max(bb.formMax[i], q)
	}
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
		var bb blockBound
		for _, p := range ps[i:min(i+blockSize, len(ps))] {
			bb.add(p, ratio(p.tf, ix.lens[p.doc], ia), ia)
		}
		bs = append(bs, bb)
	}
	ix.blocks[stem] = bs
}

// appendBoundLocked accounts for the posting just appended to a stem's
// list, of a document of length l.
func (ix *Index) appendBoundLocked(stem string, p posting, l float32) {
	n := len(ix.postings[stem])
	switch {
	case n < blockedMin:
		return
	case n == blockedMin:
		ix.boundsLocked(stem)
		return
	}
	ia := ix.invAvgLocked()
	r := ratio(p.tf, l, ia)
	bs := ix.blocks[stem]
	if (n-1)%blockSize == 0 {
		bs = append(bs, blockBound{})
		ix.blocks[stem] = bs
	}
	// A posting's ratio at ia bounds it at any smaller ia times ia/ia_now:
	// the block's largest ratio, kept with the largest ia, bounds them all.
	bs[len(bs)-1].add(p, r, ia)
}
