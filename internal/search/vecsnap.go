package search

import "math"

// encode writes the vectors and the graph.
func (vi *vectorIndex) encode(e *enc) {
	s := &vi.store
	e.u32(uint32(len(s.has)))
	for d, has := range s.has {
		if !has {
			e.bytes([]byte{0})
			continue
		}
		e.bytes([]byte{1})
		for _, x := range s.slot(int32(d)) {
			e.u32(math.Float32bits(x))
		}
	}
	g := vi.g
	if g == nil {
		e.bytes([]byte{0})
		return
	}
	e.bytes([]byte{1})
	e.u32(uint32(g.entry))
	e.u32(uint32(g.maxLevel))
	e.u32(uint32(len(g.levels)))
	for d, l := range g.levels {
		e.bytes([]byte{byte(l)})
		if l < 0 {
			continue
		}
		e.i32s(g.links0[d*2*hnswM : d*2*hnswM+int(g.n0[d])])
		for _, up := range g.upper[d] {
			e.i32s(up)
		}
	}
}

// decodeVectors reads what encode wrote for an index of n documents,
// checking every link.
func decodeVectors(d *dec, dim, n int) *vectorIndex {
	count := d.count(1)
	if d.err == nil && count > n {
		d.fail("more vectors than documents")
	}
	vi := newVectorIndex(dim, 0)
	s := &vi.store
	s.has = make([]bool, count)
	for doc := 0; doc < count && d.err == nil; doc++ {
		if d.u8() == 0 {
			continue
		}
		if int64(dim)*4 > d.limit {
			d.fail("a vector runs past the end")
			return nil
		}
		s.grow(doc + 1) // chunks only where there are vectors
		v := s.slot(int32(doc))
		for j := range v {
			v[j] = math.Float32frombits(d.u32())
		}
		s.has[doc] = true
	}
	if d.u8() == 0 || d.err != nil {
		return vi
	}
	g := newGraph(s, 1)
	g.entry, g.maxLevel = int32(d.u32()), int(d.u32())
	nodes := d.count(1)
	if d.err == nil && (nodes != count || g.maxLevel > 30 || g.entry < 0 || int(g.entry) >= count) {
		d.fail("the graph does not match the vectors")
		return nil
	}
	g.grow(nodes)
	valid := func(links []int32, max int) bool {
		if len(links) > max {
			return false
		}
		for _, x := range links {
			if x < 0 || int(x) >= nodes || !s.has[x] {
				return false
			}
		}
		return true
	}
	for doc := 0; doc < nodes && d.err == nil; doc++ {
		l := int8(d.u8())
		g.levels[doc] = l
		if l < 0 {
			continue
		}
		if l > 30 || !s.has[doc] {
			d.fail("a graph node without a vector")
			return nil
		}
		links := d.i32s()
		if !valid(links, 2*hnswM) {
			d.fail("a link points outside the graph")
			return nil
		}
		copy(g.links0[doc*2*hnswM:], links)
		g.n0[doc] = uint8(len(links))
		for i := 0; i < int(l) && d.err == nil; i++ {
			up := d.i32s()
			if !valid(up, hnswM) {
				d.fail("a link points outside the graph")
				return nil
			}
			g.upper[doc] = append(g.upper[doc], up)
		}
	}
	if d.err == nil && g.levels[g.entry] != int8(g.maxLevel) {
		d.fail("the graph's entry point is not on its top layer")
		return nil
	}
	vi.g = g
	return vi
}
