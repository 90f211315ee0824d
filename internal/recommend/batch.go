package recommend

import "github.com/quire/quire/internal/search"

// Batch scores many interests' models over one corpus (an announcement's
// papers): by term postings, so that a model costs the postings of its few
// hundred terms rather than every paper's terms looked up in it, and by
// the dense vectors laid out in one matrix.
type Batch struct {
	c     *Corpus
	post  [][]posting // term id → the documents holding it, with their TF-IDF weight
	dense []float32   // documents × dim, zero rows for documents without a vector
	dim   int
}

type posting struct {
	doc int32
	w   float32
}

// NewBatch prepares c for scoring.
func NewBatch(c *Corpus) *Batch {
	b := &Batch{c: c, post: make([][]posting, len(c.Terms)), dim: c.dim()}
	for d, v := range c.TFIDF {
		for _, t := range v {
			b.post[t.ID] = append(b.post[t.ID], posting{int32(d), t.W})
		}
	}
	if b.dim > 0 {
		b.dense = make([]float32, len(c.TFIDF)*b.dim)
		for d := range c.TFIDF {
			if v := c.vec(d); v != nil {
				copy(b.dense[d*b.dim:], v)
			}
		}
	}
	return b
}

// Len is the number of documents.
func (b *Batch) Len() int { return len(b.c.TFIDF) }

// Score writes m's score of every document into out (len Len()): the same
// as m.Score for each.
func (b *Batch) Score(m *Model, out []float32) {
	for i := range out {
		out[i] = m.Bias
	}
	for id, w := range m.Terms {
		if int(id) < len(b.post) {
			for _, p := range b.post[id] {
				out[p.doc] += w * p.w
			}
		}
	}
	if m.Dense == nil || m.Space != b.c.Space || len(m.Dense) != b.dim {
		return
	}
	for d := range out {
		out[d] += search.Dot(m.Dense, b.dense[d*b.dim:(d+1)*b.dim])
	}
}

// Decode reads a stored model against the batch's vocabulary.
func (b *Batch) Decode(model []byte) (*Model, error) { return b.c.Decode(model) }

// Stale reports whether m was trained in another vector space.
func (b *Batch) Stale(m *Model) bool { return m.Stale(b.c) }
