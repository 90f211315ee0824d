package search

import (
	"sort"
)

// Pseudo-relevance feedback on the lexical side (RM3: Lavrenko and Croft
// 2001; Abdul-Jaleel et al. 2004): the best papers of a first BM25 pass
// are taken as relevant, their words (stems, by frequency in each paper,
// weighted by the paper's score) expand the query, and BM25 ranks again.
// The index keeps no words per paper, so their texts come from Feedback:
// the store's titles and abstracts, or a test collection's.

// Feedback returns the texts (title and abstract) of the papers ids, by id;
// one it cannot give is left out.
type Feedback func(ids []string) map[string]string

// RM3 defaults, the classical ones (Anserini's, with 20 terms).
const (
	FeedbackDocs   = 10
	FeedbackTerms  = 20
	FeedbackWeight = 0.5 // the original query's share
)

// SetFeedback makes Hybrid expand its lexical side with f (nil: no
// feedback).
func (ix *Index) SetFeedback(f Feedback) {
	ix.mu.Lock()
	ix.feedback = f
	ix.mu.Unlock()
}

// LexicalFeedback is Lexical with RM3 feedback through f; without f, or
// when the first pass finds nothing, it is Lexical.
func (ix *Index) LexicalFeedback(q string, limit int, f Feedback) []Hit {
	first := ix.Lexical(q, max(limit, FeedbackDocs))
	if f == nil || len(first) == 0 {
		return first[:min(limit, len(first))]
	}
	top := first[:min(FeedbackDocs, len(first))]
	ids := make([]string, len(top))
	for i, h := range top {
		ids[i] = h.ID
	}
	texts := f(ids)
	if len(texts) == 0 {
		return first[:min(limit, len(first))]
	}
	weights, forms := expand(q, top, texts, ix.common())
	return ix.lexical(weights, forms, limit)
}

// commonShare: a stem in more than this share of the papers adds nothing
// to a query but the cost of its long posting list, and is not taken as a
// feedback term (the query's own words stay).
const commonShare = 0.1

// common returns a test for stems in more than commonShare of the papers.
func (ix *Index) common() func(stem string) bool {
	return func(st string) bool {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		return float64(len(ix.postings[st])) > commonShare*float64(ix.live)
	}
}

// expand is the RM3 query: the original stems (normalized counts) and the
// feedback stems (Σ score · tf/length over the feedback papers, the best
// FeedbackTerms normalized), FeedbackWeight of the original.
func expand(q string, top []Hit, texts map[string]string, common func(string) bool) (map[string]float32, map[string][]string) {
	orig := map[string]float64{}
	forms := map[string][]string{}
	var n float64
	for _, t := range Tokens(q) {
		st := Stem(t)
		orig[st]++
		forms[st] = append(forms[st], t)
		n++
	}
	rel := map[string]float64{}
	for _, h := range top {
		terms := Terms(texts[h.ID])
		if len(terms) == 0 {
			continue
		}
		for _, t := range terms {
			rel[t] += h.Score / float64(len(terms))
		}
	}
	type tw struct {
		t string
		w float64
	}
	best := make([]tw, 0, len(rel))
	for t, w := range rel {
		if _, own := orig[t]; own || !common(t) {
			best = append(best, tw{t, w})
		}
	}
	sort.Slice(best, func(i, j int) bool {
		if best[i].w != best[j].w {
			return best[i].w > best[j].w
		}
		return best[i].t < best[j].t
	})
	best = best[:min(FeedbackTerms, len(best))]
	var sum float64
	for _, x := range best {
		sum += x.w
	}
	out := make(map[string]float32, len(orig)+len(best))
	for st, c := range orig {
		out[st] += float32(FeedbackWeight * c / n)
	}
	if sum > 0 {
		for _, x := range best {
			out[x.t] += float32((1 - FeedbackWeight) * x.w / sum)
		}
	}
	return out, forms
}
