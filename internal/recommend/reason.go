package recommend

import "sort"

// Reason is why a paper is recommended for an interest: the terms of the
// paper that weigh most in the model, and the interest's paper closest to
// it (by the dense vectors, else by TF-IDF).
type Reason struct {
	Terms   []string
	Closest int // a positive's index, -1 when there is none
}

// Explain gives d's reason under m, with up to n terms.
func (c *Corpus) Explain(m *Model, pos []int, d, n int) Reason {
	r := Reason{Terms: c.TopTerms(m, d, n), Closest: -1}
	best := float32(-2)
	for _, p := range pos {
		s := dotDense(c.vec(d), c.vec(p))
		if c.vec(d) == nil || c.vec(p) == nil {
			s = dotTerms(c.TFIDF[d], c.TFIDF[p])
		}
		if s > best {
			best, r.Closest = s, p
		}
	}
	return r
}

// TopTerms are the up to n terms of d that weigh most for it in m.
func (c *Corpus) TopTerms(m *Model, d, n int) []string {
	type tc struct {
		term int32
		c    float32
	}
	var cs []tc
	for _, t := range c.TFIDF[d] {
		if w := m.Terms[t.ID]; w*t.W > 0 {
			cs = append(cs, tc{t.ID, w * t.W})
		}
	}
	sort.Slice(cs, func(a, b int) bool {
		if cs[a].c != cs[b].c {
			return cs[a].c > cs[b].c
		}
		return cs[a].term < cs[b].term
	})
	var out []string
	for _, x := range cs[:min(n, len(cs))] {
		out = append(out, c.Terms[x.term])
	}
	return out
}

// Vec is document d's dense vector (nil when it has none).
func (c *Corpus) Vec(d int) []float32 { return c.vec(d) }

// dotTerms is the dot product of two sparse vectors sorted by term id.
func dotTerms(a, b []Term) float32 {
	var s float32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].ID < b[j].ID:
			i++
		case a[i].ID > b[j].ID:
			j++
		default:
			s += a[i].W * b[j].W
			i++
			j++
		}
	}
	return s
}
