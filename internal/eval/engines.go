package eval

import (
	"fmt"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
)

// Depth is how many results each engine returns per query.
const Depth = 1000

// Engines holds the rankers over one collection: quire's own index (the
// product's code path, measured as it serves) and what it feeds back.
type Engines struct {
	lex   *search.Index
	texts map[string]string // id → title and text, for the feedback pass
}

// Build indexes the documents and trains the index's semantic model on
// them (the collection is the corpus, as an instance's papers are), as
// the server does.
func Build(docs []Doc) (*Engines, error) {
	if len(docs) < search.MinTrainDocs {
		return nil, fmt.Errorf("eval: %d documents; the semantic model needs at least %d", len(docs), search.MinTrainDocs)
	}
	e := &Engines{lex: search.New(nil), texts: map[string]string{}}
	for _, d := range docs {
		p := &model.Paper{ID: d.ID, Title: d.Title, Summary: d.Text}
		if d.Authors != "" {
			p.Authors = []model.Author{{Name: d.Authors}}
		}
		e.lex.Put(p)
		e.texts[d.ID] = d.Title + " " + d.Text
	}
	e.lex.SetFeedback(e.feedback)
	e.lex.Train()
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

// Semantic ranks by the cosine similarity of the index's LSA vectors, by
// an exact scan (no graph-walk misses in the measure).
func (e *Engines) Semantic(q string) []string { return ids(e.lex.Semantic(q, Depth, -1)) }

// Hybrid is the index's search, as the server runs it (with an exact
// semantic scan): BM25 with RM3 feedback fused with the semantic side.
func (e *Engines) Hybrid(q string) []string { return ids(e.lex.Hybrid(q, Depth, -1)) }
