package eval

import (
	"sort"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
)

// Depth is how many results each engine returns per query.
const Depth = 1000

// RRFK is the rank constant of reciprocal rank fusion (Cormack et al. 2009;
// also what Hugging Face's Papers with Code search uses).
const RRFK = 60

// Engines holds the three rankers over one collection.
type Engines struct {
	lex   *search.Index
	texts map[string]string // id → title and text, for the feedback pass
	sem   *search.LSA
	ids   []string
	vecs  [][]float32
}

// Build indexes the documents lexically and trains the semantic model on
// them (the collection is the corpus, as an instance's papers are).
func Build(docs []Doc, o search.LSAOptions) (*Engines, error) {
	e := &Engines{lex: search.New(nil), texts: map[string]string{}}
	toks := make([][]string, len(docs))
	for i, d := range docs {
		p := &model.Paper{ID: d.ID, Title: d.Title, Summary: d.Text}
		if d.Authors != "" {
			p.Authors = []model.Author{{Name: d.Authors}}
		}
		e.lex.Put(p)
		e.texts[d.ID] = d.Title + " " + d.Text
		toks[i] = search.Terms(d.Title + " " + d.Text)
		e.ids = append(e.ids, d.ID)
	}
	var err error
	if e.sem, err = search.TrainLSA(toks, o); err != nil {
		return nil, err
	}
	e.vecs = make([][]float32, len(docs))
	for i, t := range toks {
		e.vecs[i] = e.sem.Embed(t)
	}
	return e, nil
}

// Lexical ranks by BM25.
func (e *Engines) Lexical(q string) []string { return ids(e.lex.Lexical(q, Depth)) }

// feedback gives the texts of documents, as the store does to the index.
func (e *Engines) feedback(ids []string) map[string]string {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		out[id] = e.texts[id]
	}
	return out
}

func ids(hits []search.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// Semantic ranks by cosine similarity of LSA vectors (exact search).
func (e *Engines) Semantic(q string) []string {
	qv := e.sem.Embed(search.Terms(q))
	if qv == nil {
		return nil
	}
	type hit struct {
		i int
		s float32
	}
	hits := make([]hit, 0, len(e.vecs))
	for i, v := range e.vecs {
		if v != nil {
			hits = append(hits, hit{i, search.Dot(qv, v)})
		}
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a].s > hits[b].s })
	out := make([]string, 0, min(Depth, len(hits)))
	for _, h := range hits[:min(Depth, len(hits))] {
		out = append(out, e.ids[h.i])
	}
	return out
}

// Hybrid fuses, as the index does, BM25 with RM3 feedback and the
// semantic ranking by reciprocal rank fusion with equal weights: score =
// Σ 1/(RRFK + rank).
func (e *Engines) Hybrid(q string) []string {
	return Fuse(ids(e.lex.LexicalFeedback(q, Depth, e.feedback)), e.Semantic(q))
}

// Fuse merges rankings by reciprocal rank fusion.
func Fuse(rankings ...[]string) []string {
	score := map[string]float64{}
	for _, r := range rankings {
		for i, id := range r {
			score[id] += 1 / float64(RRFK+i+1)
		}
	}
	out := make([]string, 0, len(score))
	for id := range score {
		out = append(out, id)
	}
	sort.Slice(out, func(a, b int) bool {
		if score[out[a]] != score[out[b]] {
			return score[out[a]] > score[out[b]]
		}
		return out[a] < out[b]
	})
	return out[:min(Depth, len(out))]
}
