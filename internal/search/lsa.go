package search

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// LSA is a semantic embedder trained on the instance's own papers: latent
// semantic analysis by randomized SVD (Halko, Martinsson and Tropp 2011) of
// the TF-IDF document-term matrix. Words that occur in the same papers get
// nearby vectors, so "flow" and "transport" can meet though the words
// differ. A document or query is embedded by folding in: the TF-IDF-weighted
// sum of its terms' vectors, which takes microseconds and needs no
// retraining when papers arrive.
type LSA struct {
	Dim   int
	vocab map[string]int32
	idf   []float32
	terms []float32 // len(vocab) × Dim, row-major
}

// LSAOptions tune training.
type LSAOptions struct {
	Dim        int    // embedding size (default 256, at most half the documents)
	MinDF      int    // terms in fewer documents are left out (default 2)
	PowerIters int    // power iterations of the range finder (default 2)
	Seed       uint64 // for the random projection
}

// TrainLSA learns term vectors from tokenized documents.
func TrainLSA(docs [][]string, o LSAOptions) (*LSA, error) {
	tfs := make([]map[string]float64, len(docs))
	for i, d := range docs {
		tfs[i] = map[string]float64{}
		for _, t := range d {
			tfs[i][t]++
		}
	}
	return TrainLSATF(tfs, o)
}

// TrainLSATF learns term vectors from per-document term frequencies.
func TrainLSATF(docs []map[string]float64, o LSAOptions) (*LSA, error) {
	n := len(docs)
	if n < 4 {
		return nil, errors.New("lsa: need at least 4 documents")
	}
	if o.Dim == 0 {
		o.Dim = 256
	}
	o.Dim = min(o.Dim, n/2)
	if o.MinDF == 0 {
		o.MinDF = 2
	}
	if o.PowerIters == 0 {
		o.PowerIters = 2
	}
	df := map[string]int{}
	for _, d := range docs {
		for t := range d {
			df[t]++
		}
	}
	l := &LSA{Dim: o.Dim, vocab: map[string]int32{}}
	words := make([]string, 0, len(df))
	for t, c := range df {
		if c >= o.MinDF && c < n {
			words = append(words, t)
		}
	}
	sort.Strings(words) // a reproducible term order
	for i, t := range words {
		l.vocab[t] = int32(i)
		l.idf = append(l.idf, float32(math.Log(float64(n)/float64(df[t]))))
	}
	a := l.matrix(docs)
	v, err := randomizedRightVectors(a, len(words), o.Dim, o.PowerIters, o.Seed)
	if err != nil {
		return nil, err
	}
	l.terms = make([]float32, len(words)*o.Dim)
	for t := range words {
		for j := 0; j < o.Dim; j++ {
			l.terms[t*o.Dim+j] = float32(v.At(t, j))
		}
	}
	return l, nil
}

// csr is a sparse row matrix: documents × terms.
type csr struct {
	rowStart []int
	cols     []int32
	vals     []float64
}

// weights returns the TF-IDF weights of a text's term frequencies,
// (1+log tf)·idf over known terms, and their L2 norm.
func (l *LSA) weights(counts map[string]float64) (map[int32]float64, float64) {
	tf := map[int32]float64{}
	for t, c := range counts {
		if id, ok := l.vocab[t]; ok {
			tf[id] += c
		}
	}
	var norm float64
	for id, f := range tf {
		w := (1 + math.Log(f)) * float64(l.idf[id])
		tf[id] = w
		norm += w * w
	}
	return tf, math.Sqrt(norm)
}

func (l *LSA) matrix(docs []map[string]float64) *csr {
	m := &csr{rowStart: make([]int, 1, len(docs)+1)}
	for _, d := range docs {
		w, norm := l.weights(d)
		ids := make([]int32, 0, len(w))
		for id := range w {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			m.cols = append(m.cols, id)
			m.vals = append(m.vals, w[id]/math.Max(norm, 1e-12))
		}
		m.rowStart = append(m.rowStart, len(m.cols))
	}
	return m
}

// mul returns A·X (rows×X.cols) and mulT returns Aᵀ·Y (terms×Y.cols).
func (m *csr) mul(x *mat.Dense) *mat.Dense {
	_, c := x.Dims()
	out := mat.NewDense(len(m.rowStart)-1, c, nil)
	for i := 0; i+1 < len(m.rowStart); i++ {
		row := out.RawRowView(i)
		for k := m.rowStart[i]; k < m.rowStart[i+1]; k++ {
			xr := x.RawRowView(int(m.cols[k]))
			v := m.vals[k]
			for j := range row {
				row[j] += v * xr[j]
			}
		}
	}
	return out
}

func (m *csr) mulT(y *mat.Dense, terms int) *mat.Dense {
	_, c := y.Dims()
	out := mat.NewDense(terms, c, nil)
	for i := 0; i+1 < len(m.rowStart); i++ {
		yr := y.RawRowView(i)
		for k := m.rowStart[i]; k < m.rowStart[i+1]; k++ {
			row := out.RawRowView(int(m.cols[k]))
			v := m.vals[k]
			for j := range row {
				row[j] += v * yr[j]
			}
		}
	}
	return out
}

// orthonormalize replaces the columns of y by an orthonormal basis of their
// span (Cholesky QR, twice for accuracy); it builds no n×n matrix.
func orthonormalize(y *mat.Dense) error {
	for pass := 0; pass < 2; pass++ {
		_, c := y.Dims()
		var g mat.SymDense
		g.SymOuterK(1, y.T())
		for i := 0; i < c; i++ { // a tiny ridge keeps rank-deficient blocks factorable
			g.SetSym(i, i, g.At(i, i)+1e-10)
		}
		var ch mat.Cholesky
		if !ch.Factorize(&g) {
			return errors.New("lsa: orthonormalization failed")
		}
		var r mat.TriDense
		ch.UTo(&r)
		var rinv mat.TriDense
		if err := rinv.InverseTri(&r); err != nil {
			return err
		}
		var q mat.Dense
		q.Mul(y, &rinv)
		y.Copy(&q)
	}
	return nil
}

// randomizedRightVectors returns the top k right singular vectors of A
// (terms × k): a Gaussian sketch of the row space, power iterations, and
// the SVD of the small projected matrix.
func randomizedRightVectors(a *csr, terms, k, iters int, seed uint64) (*mat.Dense, error) {
	l := k + 10
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	omega := mat.NewDense(terms, l, nil)
	for i := 0; i < terms; i++ {
		row := omega.RawRowView(i)
		for j := range row {
			row[j] = rng.NormFloat64()
		}
	}
	y := a.mul(omega)
	if err := orthonormalize(y); err != nil {
		return nil, err
	}
	for it := 0; it < iters; it++ {
		z := a.mulT(y, terms)
		if err := orthonormalize(z); err != nil {
			return nil, err
		}
		y = a.mul(z)
		if err := orthonormalize(y); err != nil {
			return nil, err
		}
	}
	c := a.mulT(y, terms) // Aᵀ Q: its left singular vectors are A's right ones
	var svd mat.SVD
	if !svd.Factorize(c, mat.SVDThin) {
		return nil, errors.New("lsa: SVD failed")
	}
	var u mat.Dense
	svd.UTo(&u)
	return mat.DenseCopyOf(u.Slice(0, terms, 0, k)), nil
}

// Embed returns the unit vector of a text's tokens, or nil when none of
// its terms is known.
func (l *LSA) Embed(tokens []string) []float32 {
	counts := map[string]float64{}
	for _, t := range tokens {
		counts[t]++
	}
	return l.EmbedTF(counts)
}

// EmbedTF is Embed from term frequencies.
func (l *LSA) EmbedTF(counts map[string]float64) []float32 {
	w, norm := l.weights(counts)
	if norm == 0 {
		return nil
	}
	out := make([]float32, l.Dim)
	for id, v := range w {
		row := l.terms[int(id)*l.Dim : int(id+1)*l.Dim]
		f := float32(v / norm)
		for j, x := range row {
			out[j] += f * x
		}
	}
	var s float64
	for _, x := range out {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return nil
	}
	inv := float32(1 / math.Sqrt(s))
	for j := range out {
		out[j] *= inv
	}
	return out
}

// Dot is the dot product of two vectors of the same length.
func Dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
