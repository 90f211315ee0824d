package recommend_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/quire/quire/internal/recommend"
)

var small = [][]string{
	strings.Fields("flow matching generative flow"),
	strings.Fields("diffusion generative model"),
	strings.Fields("flow matching for robots"),
	strings.Fields("graph neural network"),
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-5 }

// Each baseline against its formula, computed by hand on four documents.
func TestBaselinesByHand(t *testing.T) {
	dense := [][]float32{{1, 0}, {0.6, 0.8}, {0.8, 0.6}, {0, 1}}
	c := recommend.NewCorpus(small, dense)
	n := 4.0
	idf := func(df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }
	avg := 14.0 / 4
	bm := func(tf, qtf, df, dl float64) float64 {
		return qtf * idf(df) * tf * 2.2 / (tf + 1.2*(0.25+0.75*dl/avg))
	}
	// Positive: doc 0 (flow×2, matching, generative). Doc 2 has flow, matching.
	got := c.BM25Concat([]int{0})
	want2 := bm(1, 2, 2, 4) + bm(1, 1, 2, 4)
	if !near(float64(got[2]), want2) {
		t.Errorf("BM25 of doc 2: %v, want %v", got[2], want2)
	}
	want1 := bm(1, 1, 2, 3) // generative
	if !near(float64(got[1]), want1) || got[3] != 0 {
		t.Errorf("BM25 of docs 1 and 3: %v %v, want %v 0", got[1], got[3], want1)
	}
	// Rocchio with one positive is the cosine of log-tf·idf vectors.
	w := func(tf, df float64) float64 { return (1 + math.Log(tf)) * idf(df) }
	v0 := map[string]float64{"flow": w(2, 2), "matching": w(1, 2), "generative": w(1, 2)}
	v2 := map[string]float64{"flow": w(1, 2), "matching": w(1, 2), "for": w(1, 1), "robots": w(1, 1)}
	norm := func(v map[string]float64) float64 {
		var s float64
		for _, x := range v {
			s += x * x
		}
		return math.Sqrt(s)
	}
	cos := (v0["flow"]*v2["flow"] + v0["matching"]*v2["matching"]) / (norm(v0) * norm(v2))
	if r := c.Rocchio([]int{0}); !near(float64(r[2]), cos) || r[3] != 0 {
		t.Errorf("Rocchio of doc 2: %v, want %v", r[2], cos)
	}
	// Max cosine: doc 3 is nearest positive 1 (0.8); doc 2 too (0.48+0.48 against 0.8).
	if m := c.MaxCosine([]int{0, 1}); !near(float64(m[3]), 0.8) || !near(float64(m[2]), 0.96) {
		t.Errorf("max cosine %v", m)
	}
}

// A corpus of two topics; an interest of one ranks that topic first, a
// "not interested" mark moves a paper and its near copy down, the reason
// names terms that are in the paper, and a stored model is small and
// scores as before.
func TestModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	topic := func(words []string) []string {
		var out []string
		for range 30 {
			out = append(out, words[rng.IntN(len(words))])
		}
		return out
	}
	a := strings.Fields("flow matching transport velocity field ode sampling")
	b := strings.Fields("graph node edge message passing neighbour pooling")
	var docs [][]string
	for i := range 200 {
		if i%2 == 0 {
			docs = append(docs, topic(a))
		} else {
			docs = append(docs, topic(b))
		}
	}
	// Two near copies of one flow paper, about sampling in particular.
	special := append(topic(a), strings.Fields("sampling sampling sampling sampling sampling")...)
	docs = append(docs, special, slices.Clone(special))
	c := recommend.NewCorpus(docs, nil)
	pos := []int{0, 2, 4, 6}
	m := c.Train(pos, nil, recommend.TrainOptions{Seed: 1})
	s := c.Rank(m)
	var flow, graph float64
	for d := 8; d < 200; d++ {
		if d%2 == 0 {
			flow += float64(s[d])
		} else {
			graph += float64(s[d])
		}
	}
	if flow <= graph {
		t.Fatalf("flow papers score %v, graph papers %v", flow, graph)
	}
	r := c.Explain(m, pos, 8, 3)
	if len(r.Terms) == 0 || r.Closest < 0 {
		t.Fatalf("reason %+v", r)
	}
	for _, term := range r.Terms {
		if !slices.Contains(docs[8], term) {
			t.Errorf("reason term %q is not in the paper", term)
		}
	}
	marked := c.Train(pos, []int{200}, recommend.TrainOptions{Seed: 1})
	s2 := c.Rank(marked)
	if s2[201]-s2[8] >= s[201]-s[8] {
		t.Errorf("the copy of a paper marked not interested did not move down: %v→%v against %v→%v", s[201], s2[201], s[8], s2[8])
	}
	b1 := c.Encode(marked)
	if len(b1) > 4096 {
		t.Errorf("a stored model has %d bytes", len(b1))
	}
	back, err := c.Decode(b1)
	if err != nil {
		t.Fatal(err)
	}
	for d := range 50 {
		if x, y := marked.Score(c, d), back.Score(c, d); math.Abs(float64(x-y)) > 0.05*math.Max(1, math.Abs(float64(x))) {
			t.Errorf("doc %d: %v before storing, %v after", d, x, y)
		}
	}
	for _, bad := range [][]byte{nil, {9}, b1[:len(b1)/2], {1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		if _, err := c.Decode(bad); err == nil {
			t.Errorf("decoded %d broken bytes", len(bad))
		}
	}
}

func FuzzDecode(f *testing.F) {
	c := recommend.NewCorpus(small, nil)
	f.Add(c.Encode(c.Train([]int{0}, nil, recommend.TrainOptions{Seed: 1})))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := c.Decode(b)
		if err == nil {
			c.Rank(m)
		}
	})
}
