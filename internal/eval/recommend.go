package eval

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/quire/quire/internal/recommend"
	"github.com/quire/quire/internal/search"
)

// The recommendation evaluation: for each query with at least 4 relevant
// documents, half of them (a fixed seed) form an interest, and the other
// half is what a recommender should find among all other documents.

// RecCutoff is the depth of recall@20 and nDCG@20.
const RecCutoff = 20

// RecNegatives is how many "not interested" marks the second run adds: the
// non-relevant documents the best baseline ranks highest.
const RecNegatives = 5

// RecMetrics are one method's figures.
type RecMetrics struct {
	Recall float64 `json:"recall@20"`
	NDCG   float64 `json:"ndcg@20"`
}

// RecResult is the whole evaluation of one collection.
type RecResult struct {
	Queries       int                   `json:"queries"`
	Best          string                `json:"bestBaseline"` // the one whose top non-relevant documents became the negatives
	Without, With map[string]RecMetrics `json:"-"`
	Methods       []string              `json:"methods"`
	Table         []RecRow              `json:"table"`
}

// RecRow is a method with and without negatives.
type RecRow struct {
	Method  string     `json:"method"`
	Without RecMetrics `json:"withoutNegatives"`
	With    RecMetrics `json:"withNegatives"`
}

// Recommendation methods, baselines first.
var RecMethods = []string{"bm25-concat", "rocchio", "max-cosine", "quire"}

type recCase struct {
	qid       string
	pos, held []int
	relevant  map[int]bool
	gain      map[int]float64
}

// Recommend runs the evaluation.
func Recommend(docs []Doc, qrels Qrels, o search.LSAOptions) (*RecResult, error) {
	index := map[string]int{}
	for i, d := range docs {
		index[d.ID] = i
	}
	c, err := recCorpus(docs, o)
	if err != nil {
		return nil, err
	}
	cases := splitCases(qrels, index)
	res := &RecResult{Queries: len(cases), Methods: RecMethods, Without: map[string]RecMetrics{}, With: map[string]RecMetrics{}}
	rank := func(m string, k recCase, neg []int) []float32 {
		switch m {
		case "bm25-concat":
			return c.BM25Concat(k.pos)
		case "rocchio":
			return c.Rocchio(k.pos)
		case "max-cosine":
			return c.MaxCosine(k.pos)
		}
		return c.Rank(c.Train(k.pos, neg, recommend.TrainOptions{Seed: 1}))
	}
	scores := map[string][][]float32{}
	for _, m := range RecMethods {
		var sum RecMetrics
		for _, k := range cases {
			s := rank(m, k, nil)
			scores[m] = append(scores[m], s)
			got := measure(s, k, nil)
			sum.Recall += got.Recall
			sum.NDCG += got.NDCG
		}
		res.Without[m] = mean(sum, len(cases))
	}
	res.Best = RecMethods[0]
	for _, m := range RecMethods[:3] {
		if res.Without[m].NDCG > res.Without[res.Best].NDCG {
			res.Best = m
		}
	}
	for _, m := range RecMethods {
		var sum RecMetrics
		for i, k := range cases {
			neg := topNonRelevant(scores[res.Best][i], k, RecNegatives)
			s := scores[m][i]
			if m == "quire" {
				s = rank(m, k, neg)
			}
			got := measure(s, k, neg)
			sum.Recall += got.Recall
			sum.NDCG += got.NDCG
		}
		res.With[m] = mean(sum, len(cases))
	}
	for _, m := range RecMethods {
		res.Table = append(res.Table, RecRow{Method: m, Without: res.Without[m], With: res.With[m]})
	}
	return res, nil
}

// recCorpus is the collection as the recommender sees an instance's
// papers: tokens and LSA vectors trained on the collection itself.
func recCorpus(docs []Doc, o search.LSAOptions) (*recommend.Corpus, error) {
	toks := make([][]string, len(docs))
	for i, d := range docs {
		toks[i] = search.Tokens(d.Title + " " + d.Text)
	}
	lsa, err := search.TrainLSA(toks, o)
	if err != nil {
		return nil, err
	}
	vecs := make([][]float32, len(docs))
	for i, t := range toks {
		vecs[i] = lsa.Embed(t)
	}
	return recommend.NewCorpus(toks, vecs), nil
}

// splitCases makes a case of each query with 4 or more relevant documents:
// its relevant documents in id order, shuffled by a seed of the query id,
// the first half the interest.
func splitCases(qrels Qrels, index map[string]int) []recCase {
	qids := make([]string, 0, len(qrels))
	for q := range qrels {
		qids = append(qids, q)
	}
	sort.Strings(qids)
	var out []recCase
	for _, q := range qids {
		var rel []string
		k := recCase{qid: q, relevant: map[int]bool{}, gain: map[int]float64{}}
		for id, g := range qrels[q] {
			if d, ok := index[id]; ok && g > 0 {
				rel = append(rel, id)
				k.relevant[d], k.gain[d] = true, float64(g)
			}
		}
		if len(rel) < 4 {
			continue
		}
		sort.Strings(rel)
		h := fnv.New64a()
		h.Write([]byte(q))
		rng := rand.New(rand.NewPCG(1, h.Sum64()))
		rng.Shuffle(len(rel), func(i, j int) { rel[i], rel[j] = rel[j], rel[i] })
		for i, id := range rel {
			if i < len(rel)/2 {
				k.pos = append(k.pos, index[id])
			} else {
				k.held = append(k.held, index[id])
			}
		}
		out = append(out, k)
	}
	return out
}

// ranked orders the candidates (every document but the interest's and the
// negatives) by score, best first, ties by index.
func ranked(s []float32, k recCase, neg []int) []int {
	skip := map[int]bool{}
	for _, p := range k.pos {
		skip[p] = true
	}
	for _, n := range neg {
		skip[n] = true
	}
	out := make([]int, 0, len(s))
	for d := range s {
		if !skip[d] {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return s[out[a]] > s[out[b]] })
	return out
}

func topNonRelevant(s []float32, k recCase, n int) []int {
	var out []int
	for _, d := range ranked(s, k, nil) {
		if !k.relevant[d] {
			out = append(out, d)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// measure is recall@20 and nDCG@20 (graded gains) of the held-out half.
func measure(s []float32, k recCase, neg []int) RecMetrics {
	top := ranked(s, k, neg)
	top = top[:min(RecCutoff, len(top))]
	held := map[int]bool{}
	var gains []float64
	for _, h := range k.held {
		held[h] = true
		gains = append(gains, k.gain[h])
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(gains)))
	var hits int
	var dcg, idcg float64
	for i, d := range top {
		if held[d] {
			hits++
			dcg += k.gain[d] / math.Log2(float64(i+2))
		}
	}
	for i := 0; i < min(RecCutoff, len(gains)); i++ {
		idcg += gains[i] / math.Log2(float64(i+2))
	}
	return RecMetrics{Recall: float64(hits) / float64(len(k.held)), NDCG: dcg / idcg}
}

func mean(m RecMetrics, n int) RecMetrics {
	if n == 0 {
		return m
	}
	return RecMetrics{Recall: m.Recall / float64(n), NDCG: m.NDCG / float64(n)}
}
