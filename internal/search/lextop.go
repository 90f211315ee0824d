package search

import (
	"container/heap"
	"math"
	"sort"
	"sync/atomic"
)

// lexTop keeps the limit best documents seen, each scored once: a min-heap
// whose least is the threshold a document must reach to enter. Ties go to
// the greater id, as everywhere in search.
type lexTop struct {
	h      docHeap
	limit  int
	shared *atomic.Uint64 // nil, or a threshold shared with another half's top (rank.go)
}

type docScore struct {
	score float64
	doc   int32
}

func newLexTop(limit int, ids []string, shared *atomic.Uint64) *lexTop {
	return &lexTop{h: docHeap{ids: ids, s: make([]docScore, 0, min(limit, 1024))}, limit: limit, shared: shared}
}

// threshold is the least score that may still enter: 0 until there are
// limit documents (every scored document has more), or the shared one
// when it is higher.
func (t *lexTop) threshold() float64 {
	v := 0.0
	if len(t.h.s) == t.limit {
		v = t.h.s[0].score
	}
	if t.shared != nil {
		v = max(v, math.Float64frombits(t.shared.Load()))
	}
	return v
}

// offer adds a document if it belongs in the top, and says whether it did.
func (t *lexTop) offer(score float64, doc int32) bool {
	e := docScore{score, doc}
	switch {
	case len(t.h.s) < t.limit:
		heap.Push(&t.h, e)
	case t.h.worse(t.h.s[0], e):
		t.h.s[0] = e
		heap.Fix(&t.h, 0)
	default:
		return false
	}
	if t.shared != nil && len(t.h.s) == t.limit {
		raise(t.shared, t.h.s[0].score)
	}
	return true
}

// hits returns the top, best first.
func (t *lexTop) hits() []Hit {
	s := t.h.s
	sort.Slice(s, func(i, j int) bool { return t.h.worse(s[j], s[i]) })
	out := make([]Hit, len(s))
	for i, e := range s {
		out[i] = Hit{ID: t.h.ids[e.doc], Score: e.score}
	}
	return out
}

// docHeap is a min-heap of scored documents, the worst at the root.
type docHeap struct {
	s   []docScore
	ids []string
}

func (h *docHeap) worse(a, b docScore) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return h.ids[a.doc] < h.ids[b.doc]
}

func (h *docHeap) Len() int           { return len(h.s) }
func (h *docHeap) Less(i, j int) bool { return h.worse(h.s[i], h.s[j]) }
func (h *docHeap) Swap(i, j int)      { h.s[i], h.s[j] = h.s[j], h.s[i] }
func (h *docHeap) Push(x any)         { h.s = append(h.s, x.(docScore)) }
func (h *docHeap) Pop() any {
	x := h.s[len(h.s)-1]
	h.s = h.s[:len(h.s)-1]
	return x
}
