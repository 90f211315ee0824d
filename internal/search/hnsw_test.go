package search

import (
	"math"
	"math/rand/v2"
	"testing"
)

// clustered returns n unit vectors around k random centres.
func clustered(rng *rand.Rand, n, k, dim int, spread float64) [][]float32 {
	centres := make([][]float32, k)
	for c := range centres {
		centres[c] = make([]float32, dim)
		for j := range centres[c] {
			centres[c][j] = float32(rng.NormFloat64())
		}
		normalize(centres[c])
	}
	out := make([][]float32, n)
	for i := range out {
		c := centres[rng.IntN(k)]
		out[i] = make([]float32, dim)
		for j := range out[i] {
			out[i][j] = c[j] + float32(rng.NormFloat64()*spread)
		}
		normalize(out[i])
	}
	return out
}

// TestGraphRecall builds the graph on every CPU and checks it against exact
// search: in-distribution queries find their true neighbours, deleted
// documents never come back, and a document added later is found.
func TestGraphRecall(t *testing.T) {
	const n, dim = 4000, 32
	rng := rand.New(rand.NewPCG(11, 11))
	vecs := clustered(rng, n+1, 60, dim, 0.15)
	vi := newVectorIndex(dim, ExactBelow)
	if vi.g == nil {
		t.Fatal("no graph at ExactBelow vectors")
	}
	for d := 0; d < n; d++ {
		vi.store.set(int32(d), vecs[d])
	}
	vi.link(0, n)
	dead := map[int32]bool{}
	for d := int32(0); d < n; d += 7 {
		dead[d] = true
	}
	keep := func(d int32) bool { return !dead[d] }
	queries := clustered(rng, 200, 60, dim, 0.15)
	found, total := 0, 0
	for _, q := range queries {
		exact := vi.search(q, 10, -1, keep, nil)
		got := vi.search(q, 10, 64, keep, nil)
		in := map[int32]bool{}
		for _, s := range got {
			if dead[s.doc] {
				t.Fatalf("deleted document %d returned", s.doc)
			}
			in[s.doc] = true
		}
		for _, s := range exact {
			total++
			if in[s.doc] {
				found++
			}
		}
	}
	if r := float64(found) / float64(total); r < 0.95 {
		t.Errorf("recall@10 = %.3f at ef 64", r)
	}
	vi.put(n, vecs[n])
	if got := vi.search(vecs[n], 1, 64, keep, nil); len(got) != 1 || got[0].doc != n {
		t.Errorf("a document added after the build is not its own nearest neighbour: %v", got)
	}
}

// TestHalfVectors checks the stored vectors' precision: a component
// round-trips within half precision's relative error (2⁻¹¹), and the dot
// product of a query with a stored unit vector is within 10⁻³ of the
// float64 one, which is what lets an exact scan over the stored vectors
// stand for one over the model's.
func TestHalfVectors(t *testing.T) {
	for _, x := range []float32{0, 1, -1, 0.5, 1e-3, -0.0731, 6.1e-5, 3e-7} {
		back := halfFloats[toHalf(x)]
		if d := math.Abs(float64(back - x)); d > math.Abs(float64(x))/2048+6e-8 {
			t.Errorf("%g comes back as %g", x, back)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	unit := func() []float32 {
		v := make([]float32, 256)
		for j := range v {
			v[j] = float32(rng.NormFloat64())
		}
		normalize(v)
		return v
	}
	s := vecStore{dim: 256}
	var worst float64
	for i := int32(0); i < 200; i++ {
		v, q := unit(), unit()
		s.set(i, v)
		var want float64
		for j := range v {
			want += float64(v[j]) * float64(q[j])
		}
		worst = max(worst, math.Abs(float64(s.dot(q, i))-want))
		if got := s.get(i, nil); len(got) != 256 || math.Abs(float64(Dot(q, got))-float64(s.dot(q, i))) > 1e-6 {
			t.Fatalf("get and dot disagree for vector %d", i)
		}
	}
	if worst > 1e-3 {
		t.Errorf("a stored vector's dot product is off by %g", worst)
	}
	if s.get(500, nil) != nil {
		t.Error("a document without a vector has one")
	}
}

// TestNearSeeds checks that each word's nearest papers, where the walks of
// queries with that word start, are its exact nearest (a paper counts when
// its cosine ties the exact termSeedCount-th), and that they are not the
// word's BM25 seeds under another name: those repeat the word, and are
// fewer of its nearest.
func TestNearSeeds(t *testing.T) {
	ix := trainedIndex(t, 3000, 100, 7)
	l, vi := ix.sem, ix.vix
	if vi.g == nil || len(vi.near) != len(l.words) {
		t.Fatalf("graph %v, nearest papers for %d of %d words", vi.g != nil, len(vi.near), len(l.words))
	}
	all := func(int32) bool { return true }
	var near, bm25, want int
	for id := range l.words {
		q := append([]float32(nil), l.termVec(int32(id))...)
		if !normalize(q) {
			continue
		}
		exact := vi.store.scan(q, termSeedCount, all)
		floor := exact[len(exact)-1].score - 1e-6
		count := func(docs []int32) (n int) {
			for _, d := range docs {
				if vi.store.dot(q, d) >= floor {
					n++
				}
			}
			return n
		}
		want += len(exact)
		near += count(vi.near[id])
		bm25 += count(vi.seeds[id])
	}
	if r := float64(near) / float64(want); r < 0.95 {
		t.Errorf("the words' nearest papers hold %.3f of their exact nearest", r)
	}
	if near <= bm25 {
		t.Errorf("the nearest papers find %d of the exact nearest, the BM25 seeds %d", near, bm25)
	}
}
