package search

import (
	"math"
	"testing"

	"github.com/quire/quire/internal/model"
)

func paper(id, title, summary string) *model.Paper {
	return &model.Paper{ID: id, Title: title, Summary: summary}
}

func TestSearchRanksByBM25(t *testing.T) {
	ix := New(nil)
	ix.Put(paper("1", "Flow matching for generative models", "We study flow matching."))
	ix.Put(paper("2", "Optimal transport theory", "A theory of transport and flow."))
	ix.Put(paper("3", "Graph neural networks", "Message passing on graphs."))
	hits := ix.Search("flow matching", 10)
	if len(hits) != 2 || hits[0].ID != "1" || hits[1].ID != "2" {
		t.Fatalf("hits = %+v", hits)
	}
	if got := ix.Search("the of and", 10); len(got) != 0 {
		t.Errorf("stop words matched: %+v", got)
	}
	if got := ix.Search("", 10); len(got) != 0 {
		t.Errorf("empty query matched: %+v", got)
	}
}

// TestScoreIsTextbookBM25 checks one score by hand: idf·tf·(k1+1)/(tf+k1·(1-b+b·len/avg)).
func TestScoreIsTextbookBM25(t *testing.T) {
	ix := New(nil)
	ix.Put(paper("a", "", "alpha beta"))
	ix.Put(paper("b", "", "gamma delta epsilon zeta"))
	hits := ix.Search("alpha", 1)
	n, df, tf, dl, avg := 2.0, 1.0, 1.0, 2.0, 3.0
	idf := math.Log(1 + (n-df+0.5)/(df+0.5))
	want := idf * tf * (k1 + 1) / (tf + k1*(1-b+b*dl/avg))
	if len(hits) != 1 || math.Abs(hits[0].Score-want) > 1e-9 {
		t.Fatalf("score = %+v, want %v", hits, want)
	}
}

func TestPutReplaces(t *testing.T) {
	ix := New(nil)
	ix.Put(paper("1", "Quantum annealing", ""))
	ix.Put(paper("1", "Protein folding", ""))
	if ix.Len() != 1 {
		t.Fatalf("Len = %d", ix.Len())
	}
	if got := ix.Search("quantum", 10); len(got) != 0 {
		t.Errorf("old version still found: %+v", got)
	}
	if got := ix.Search("protein", 10); len(got) != 1 {
		t.Errorf("new version not found: %+v", got)
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("Flow-Matching: the Navier–Stokes π_0 ViT-L/14")
	want := []string{"flow", "matching", "navier", "stokes", "π", "0", "vit", "l", "14"}
	if len(got) != len(want) {
		t.Fatalf("Tokens = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Tokens = %q, want %q", got, want)
		}
	}
}
