package search

import (
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
