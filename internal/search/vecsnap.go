package search

import (
	"encoding/binary"
	"math"
)

// encode writes the vectors, in half precision as they are held, and the
// graph.
func (vi *vectorIndex) encode(e *enc) {
	s := &vi.store
	e.u32(uint32(len(s.has)))
	buf := make([]byte, 1+2*s.dim)
	for d, has := range s.has {
		if !has {
			e.bytes([]byte{0})
			continue
		}
		buf[0] = 1
		for j, h := range s.slot(int32(d)) {
			binary.LittleEndian.PutUint16(buf[1+2*j:], h)
		}
		e.bytes(buf)
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
// checking every link; width is the bytes per component (2; 4 in a
// version 3 snapshot, whose float32 vectors are rounded to halves, so that
// an upgrade does not retrain).
func decodeVectors(d *dec, dim, n, width int) *vectorIndex {
	count := d.count(1)
	if d.err == nil && count > n {
		d.fail("more vectors than documents")
	}
	vi := newVectorIndex(dim, 0)
	s := &vi.store
	s.has = make([]bool, count)
	buf := make([]byte, dim*width)
	for doc := 0; doc < count && d.err == nil; doc++ {
		if d.u8() == 0 {
			continue
		}
		if int64(len(buf)) > d.limit {
			d.fail("a vector runs past the end")
			return nil
		}
		d.read(buf)
		s.grow(doc + 1) // chunks only where there are vectors
		v := s.slot(int32(doc))
		for j := range v {
			if width == 2 {
				v[j] = binary.LittleEndian.Uint16(buf[2*j:])
			} else {
				v[j] = toHalf(math.Float32frombits(binary.LittleEndian.Uint32(buf[4*j:])))
			}
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

// encodeNear writes the words' nearest papers (nearSeeds), after the graph.
func (vi *vectorIndex) encodeNear(e *enc) {
	e.u32(uint32(len(vi.near)))
	for _, ns := range vi.near {
		e.i32s(ns)
	}
}

// decodeNear reads what encodeNear wrote for a model of words terms; each
// paper must have a vector in the graph, since walks start there.
func (vi *vectorIndex) decodeNear(d *dec, words int) {
	count := d.count(4)
	if d.err == nil && count != 0 && (count != words || vi.g == nil) {
		d.fail("the words' nearest papers do not match the model")
		return
	}
	near := make([][]int32, count)
	for i := range near {
		if d.err != nil {
			return
		}
		ns := d.i32s()
		if len(ns) > termSeedCount {
			d.fail("a word has too many nearest papers")
			return
		}
		for _, x := range ns {
			if x < 0 || int(x) >= len(vi.g.levels) || vi.g.levels[x] < 0 {
				d.fail("a word's nearest paper is not in the graph")
				return
			}
		}
		near[i] = ns
	}
	if d.err == nil && count > 0 {
		vi.near = near
	}
}
