package search

import (
	"container/heap"
	"slices"
	"sort"
	"sync"
)

// scratch is the per-query work space of Lexical: a dense score array over
// all documents and the list of those touched, reused across queries.
type scratch struct {
	acc     []float32
	touched []int32
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

func (s *scratch) reset(n int) {
	for _, d := range s.touched { // zero what the last query used, whatever its index's size
		s.acc[d] = 0
	}
	s.touched = s.touched[:0]
	if cap(s.acc) < n {
		s.acc = make([]float32, n)
	}
	s.acc = s.acc[:cap(s.acc)]
}

func (s *scratch) add(doc int32, v float32) {
	if s.acc[doc] == 0 {
		s.touched = append(s.touched, doc)
	}
	s.acc[doc] += v
}

// threshold is the limit-th best score so far (0 while fewer documents
// have a score): a document below it cannot be in the top results.
func (s *scratch) threshold(limit int) float32 {
	if len(s.touched) < limit {
		return 0
	}
	f := topFloor{h: make(minHeap, 0, limit), limit: limit}
	for _, d := range s.touched {
		f.offer(s.acc[d])
	}
	return f.floor()
}

type minHeap []float32

// candidates returns, in document order, the scored documents that the
// terms left (rest at most) could still lift to theta.
func (s *scratch) candidates(rest, theta float32) []int32 {
	out := make([]int32, 0, len(s.touched))
	for _, d := range s.touched {
		if s.acc[d]+rest >= theta {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// prune keeps, in place, the candidates that rest could still lift to theta.
func (s *scratch) prune(cands []int32, rest, theta float32) []int32 {
	n := 0
	for _, d := range cands {
		if s.acc[d]+rest >= theta {
			cands[n] = d
			n++
		}
	}
	return cands[:n]
}

func (h minHeap) Len() int           { return len(h) }
func (h minHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h minHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)        { *h = append(*h, x.(float32)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// top returns the limit best-scored documents, best first; ties go to the
// greater id, as everywhere in search.
func (s *scratch) top(limit int, ids []string) []Hit {
	h := &hitHeap{}
	floor := float32(-1) // the heap's least score once full: most documents stop at this compare
	for _, d := range s.touched {
		if s.acc[d] < floor {
			continue
		}
		hit := Hit{ID: ids[d], Score: float64(s.acc[d])}
		if h.Len() < limit {
			heap.Push(h, hit)
		} else if less((*h)[0], hit) {
			(*h)[0] = hit
			heap.Fix(h, 0)
		}
		if h.Len() == limit {
			floor = float32((*h)[0].Score)
		}
	}
	out := []Hit(*h)
	sort.Slice(out, func(i, j int) bool { return less(out[j], out[i]) })
	return out
}

// less orders hits worst first.
func less(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	return a.ID < b.ID
}

type hitHeap []Hit

func (h hitHeap) Len() int           { return len(h) }
func (h hitHeap) Less(i, j int) bool { return less(h[i], h[j]) }
func (h hitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)        { *h = append(*h, x.(Hit)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
