package search

import "sync"

// searcher is the work space of one graph walk: visit marks (an epoch per
// node, so that clearing is one increment), the candidate heap and a link
// buffer. Searchers are pooled.
type searcher struct {
	marks []uint32
	epoch uint32
	cand  maxHeap
	buf   []int32
	sink  float32 // keeps the prefetching loads of searchLayer
}

var searchers = sync.Pool{New: func() any { return &searcher{} }}

func getSearcher(n int) *searcher {
	s := searchers.Get().(*searcher)
	if len(s.marks) < n {
		s.marks = append(s.marks, make([]uint32, n-len(s.marks))...)
	}
	return s
}

func putSearcher(s *searcher) { searchers.Put(s) }

// next starts a new walk.
func (s *searcher) next() {
	s.epoch++
	if s.epoch == 0 { // wrapped: clear for real
		clear(s.marks)
		s.epoch = 1
	}
}

// visit marks doc and reports whether it was not marked yet.
func (s *searcher) visit(doc int32) bool {
	if int(doc) >= len(s.marks) { // a node added since the searcher was sized
		s.marks = append(s.marks, make([]uint32, int(doc)+1-len(s.marks))...)
	}
	if s.marks[doc] == s.epoch {
		return false
	}
	s.marks[doc] = s.epoch
	return true
}

// maxHeap pops the best-scored item first.
type maxHeap struct{ h []scored }

func (m *maxHeap) push(x scored) {
	m.h = append(m.h, x)
	for i := len(m.h) - 1; i > 0; {
		p := (i - 1) / 2
		if !worse(m.h[p], m.h[i]) {
			break
		}
		m.h[i], m.h[p] = m.h[p], m.h[i]
		i = p
	}
}

func (m *maxHeap) pop() scored {
	top := m.h[0]
	last := len(m.h) - 1
	m.h[0] = m.h[last]
	m.h = m.h[:last]
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(m.h) {
			break
		}
		if c+1 < len(m.h) && worse(m.h[c], m.h[c+1]) {
			c++
		}
		if !worse(m.h[i], m.h[c]) {
			break
		}
		m.h[i], m.h[c] = m.h[c], m.h[i]
		i = c
	}
	return top
}
