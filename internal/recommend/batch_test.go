package recommend_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/quire/quire/internal/recommend"
)

// randomCorpus is n documents of words from a small vocabulary, with unit
// dense vectors of dim dimensions (every fifth document has none).
func randomCorpus(n, dim int, space string) *recommend.Corpus {
	rng := rand.New(rand.NewPCG(7, 8))
	words := strings.Fields("flow matching graph node transport sampling diffusion token attention robot policy reward")
	toks := make([][]string, n)
	dense := make([][]float32, n)
	for d := range n {
		for range 5 + rng.IntN(20) {
			toks[d] = append(toks[d], words[rng.IntN(len(words))])
		}
		if d%5 == 4 {
			continue
		}
		v := make([]float32, dim)
		var s float64
		for i := range v {
			v[i] = float32(rng.NormFloat64())
			s += float64(v[i] * v[i])
		}
		for i := range v {
			v[i] /= float32(math.Sqrt(s))
		}
		dense[d] = v
	}
	c := recommend.NewCorpusIDF(toks, dense, func(terms []string) []float32 {
		out := make([]float32, len(terms))
		for i, t := range terms {
			out[i] = float32(1 + len(t)%3) // any fixed idf: the instance's, not the corpus's
		}
		return out
	})
	c.Space = space
	return c
}

// The batch job's scores are the model's, paper by paper, and a model from
// another vector space is known as such and scored by its terms only.
func TestBatchMatchesScore(t *testing.T) {
	train := randomCorpus(300, 16, "space-a")
	m := train.Train([]int{0, 3, 6, 9, 12}, []int{1}, recommend.TrainOptions{Seed: 3})
	stored := train.Encode(m)
	if got := recommend.ModelSpace(stored); got != "space-a" {
		t.Errorf("stored space %q", got)
	}
	for _, space := range []string{"space-a", "space-b"} {
		news := randomCorpus(120, 16, space)
		b := recommend.NewBatch(news)
		back, err := b.Decode(stored)
		if err != nil {
			t.Fatal(err)
		}
		if b.Stale(back) != (space != "space-a") {
			t.Errorf("%s: stale %v", space, b.Stale(back))
		}
		got := make([]float32, b.Len())
		b.Score(back, got)
		for d := range got {
			if want := back.Score(news, d); math.Abs(float64(got[d]-want)) > 1e-4 {
				t.Fatalf("%s doc %d: batch %v, model %v", space, d, got[d], want)
			}
		}
		if space == "space-b" { // terms only
			terms := *back
			terms.Dense = nil
			if want := terms.Score(news, 0); math.Abs(float64(got[0]-want)) > 1e-4 {
				t.Errorf("another space: %v, want the terms' %v", got[0], want)
			}
		}
	}
}

func TestRanking(t *testing.T) {
	r := recommend.Ranking(nil).Merge([]recommend.Entry{
		{ID: "a", Score: 1, Published: 100}, {ID: "b", Score: 3, Published: 100}, {ID: "c", Score: 1, Published: 200},
		{ID: "old", Score: 9, Published: 10},
	}, 50, 10)
	ids := func(r recommend.Ranking) (out []string) {
		for _, e := range r {
			out = append(out, e.ID)
		}
		return out
	}
	if got := ids(r); !slices.Equal(got, []string{"b", "c", "a"}) {
		t.Errorf("merged %v: best first, a tie to the newer, nothing before the cutoff", got)
	}
	r = r.Merge([]recommend.Entry{{ID: "a", Score: 5, Published: 100}, {ID: "d", Score: 0, Published: 300}}, 50, 3)
	if got := ids(r); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("merged again %v: a paper scored again replaces itself, the best 3 kept", got)
	}
	back, err := recommend.DecodeRanking(recommend.EncodeRanking(r))
	if err != nil || !slices.Equal(back, r) {
		t.Errorf("round trip %v %v", back, err)
	}
	enc := recommend.EncodeRanking(r)
	for _, bad := range [][]byte{nil, {7}, enc[:len(enc)-1], {1, 0xff, 0xff, 0xff, 0x0f}} {
		if _, err := recommend.DecodeRanking(bad); err == nil {
			t.Errorf("decoded %d broken bytes", len(bad))
		}
	}
}

func FuzzDecodeRanking(f *testing.F) {
	f.Add(recommend.EncodeRanking(recommend.Ranking{{ID: "2608.05987", Score: 1.5, Published: 1764547200}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := recommend.DecodeRanking(b)
		if err != nil {
			return
		}
		again, err := recommend.DecodeRanking(recommend.EncodeRanking(r))
		if err != nil || len(again) != len(r) {
			t.Fatalf("re-encoded ranking: %v %v", again, err)
		}
	})
}
