package search

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
)

// ExactBelow is the number of vectors below which semantic search scans
// them all (20,000 × 256 dimensions take about 2 ms) rather than walk the
// graph. A variable so that tests can build graphs over small corpora.
var ExactBelow = 20000

// vecChunk is how many vectors one allocation of the store holds, so that
// growing it never copies the vectors already stored.
const vecChunk = 1 << 14

// vecStore holds one unit vector per document number, in chunks, each
// component in IEEE half precision: half the memory of float32 (at
// 2.7 M papers × 256 dimensions, 1.4 GB instead of 2.8 GB) at the same
// speed, since a walk's cost is its cache misses and a lookup table turns
// a half into a float32 (measured: 0.66 µs against 0.69 µs per random
// vector at 1 M). Its relative error, at most 2⁻¹¹ per component, moves
// a cosine of unit vectors by about 10⁻⁴.
type vecStore struct {
	dim    int
	chunks [][]uint16
	has    []bool
}

// grow makes room for documents below n.
func (s *vecStore) grow(n int) {
	for len(s.chunks)*vecChunk < n {
		s.chunks = append(s.chunks, make([]uint16, vecChunk*s.dim))
	}
	if n > len(s.has) {
		s.has = append(s.has, make([]bool, n-len(s.has))...)
	}
}

// set stores doc's vector (nil: it has none). Once grow has made room,
// sets of different documents may run in parallel.
func (s *vecStore) set(doc int32, v []float32) {
	s.grow(int(doc) + 1)
	if v == nil {
		return
	}
	slot := s.slot(doc)
	for j, x := range v {
		slot[j] = toHalf(x)
	}
	s.has[doc] = true
}

func (s *vecStore) slot(doc int32) []uint16 {
	c, i := int(doc)/vecChunk, int(doc)%vecChunk
	return s.chunks[c][i*s.dim : (i+1)*s.dim]
}

// get returns doc's vector in buf (grown as needed), nil when it has none.
func (s *vecStore) get(doc int32, buf []float32) []float32 {
	if int(doc) >= len(s.has) || !s.has[doc] {
		return nil
	}
	buf = append(buf[:0], make([]float32, s.dim)...)
	s.decode(doc, buf)
	return buf
}

// decode writes doc's vector into dst, of length dim.
func (s *vecStore) decode(doc int32, dst []float32) {
	for j, h := range s.slot(doc) {
		dst[j] = halfFloats[h]
	}
}

// dot is the dot product of q with doc's vector, which must exist.
func (s *vecStore) dot(q []float32, doc int32) float32 { return dotHalf(q, s.slot(doc)) }

// scan returns the k documents nearest to q among all vectors for which
// keep is true: exact search, split over the CPUs.
func (s *vecStore) scan(q []float32, k int, keep func(int32) bool) []scored {
	n := len(s.has)
	w := min(runtime.GOMAXPROCS(0), max(1, n/4096))
	tops := make([]topK, w)
	var wg sync.WaitGroup
	for i := 0; i < w; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := &tops[i]
			t.k = k
			for d := int32(n * i / w); d < int32(n*(i+1)/w); d++ {
				if !s.has[d] {
					continue
				}
				if sc := dotHalf(q, s.slot(d)); (len(t.h) < k || sc > t.h[0].score) && keep(d) {
					t.push(scored{d, sc})
				}
			}
		}()
	}
	wg.Wait()
	all := topK{k: k}
	for _, t := range tops {
		for _, x := range t.h {
			if len(all.h) < k || worse(all.h[0], x) {
				all.push(x)
			}
		}
	}
	return all.sorted()
}

// scored is a document and its similarity to a query.
type scored struct {
	doc   int32
	score float32
}

// topK keeps the k best scored items in a min-heap (typed, so that the
// scan loops make no interface calls). push replaces the worst when full:
// callers check that the new item is better.
type topK struct {
	k int
	h []scored
}

func (t *topK) push(s scored) {
	if len(t.h) < t.k {
		t.h = append(t.h, s)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !worse(t.h[i], t.h[p]) {
				break
			}
			t.h[i], t.h[p] = t.h[p], t.h[i]
			i = p
		}
		return
	}
	t.h[0] = s
	t.down(0)
}

func (t *topK) down(i int) {
	for {
		c := 2*i + 1
		if c >= len(t.h) {
			return
		}
		if c+1 < len(t.h) && worse(t.h[c+1], t.h[c]) {
			c++
		}
		if !worse(t.h[c], t.h[i]) {
			return
		}
		t.h[i], t.h[c] = t.h[c], t.h[i]
		i = c
	}
}

// full reports whether the heap holds k items and s cannot enter it.
func (t *topK) full(s float32) bool { return len(t.h) >= t.k && s <= t.h[0].score }

// worse orders by score, then by document number (newer first) on ties.
func worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.doc < b.doc
}

func (t *topK) sorted() []scored {
	sort.Slice(t.h, func(i, j int) bool { return worse(t.h[j], t.h[i]) })
	return t.h
}

// parallel runs f over [0, n) split into one range per CPU.
func parallel(n int, f func(lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), max(1, n/64))
	var wg sync.WaitGroup
	for i := 0; i < w; i++ {
		lo, hi := n*i/w, n*(i+1)/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}

// vectorIndex is the documents' vectors and, once there are ExactBelow of
// them at training time, a graph over them.
type vectorIndex struct {
	store vecStore
	g     *graph    // nil: every search scans all vectors
	seeds [][]int32 // vocabulary id → where walks for that word start (see termSeeds)
	near  [][]int32 // vocabulary id → the papers nearest the word's vector, where walks start too (see nearSeeds)
}

func newVectorIndex(dim, n int) *vectorIndex {
	vi := &vectorIndex{store: vecStore{dim: dim}}
	if n >= ExactBelow {
		vi.g = newGraph(&vi.store, 1)
	}
	return vi
}

// put stores doc's vector (nil: none) and links it into the graph.
func (vi *vectorIndex) put(doc int32, v []float32) {
	vi.store.set(doc, v)
	if vi.g != nil && v != nil {
		vi.g.grow(int(doc) + 1)
		vi.g.insert(doc)
	}
}

// vec returns a copy of doc's vector, nil when it has none.
func (vi *vectorIndex) vec(doc int32) []float32 { return vi.store.get(doc, nil) }

// link inserts the stored vectors of documents in [lo, hi) into the graph,
// on every CPU.
func (vi *vectorIndex) link(lo, hi int) {
	if vi.g == nil || hi <= lo {
		return
	}
	vi.g.grow(hi)
	var next atomic.Int64
	next.Store(int64(lo))
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := next.Add(1) - 1; d < int64(hi); d = next.Add(1) - 1 {
				if vi.store.has[d] {
					vi.g.insert(int32(d))
				}
			}
		}()
	}
	wg.Wait()
}

// search returns the k documents nearest to q for which keep is true:
// through the graph keeping ef candidates (0: EfSearch) and starting also
// from seeds, or exactly when ef < 0 or there is no graph.
func (vi *vectorIndex) search(q []float32, k, ef int, keep func(int32) bool, seeds []int32) []scored {
	if vi.g == nil || ef < 0 {
		return vi.store.scan(q, k, keep)
	}
	if ef == 0 {
		ef = EfSearch
	}
	return vi.g.search(q, k, ef, keep, seeds)
}
