package search

import (
	"fmt"
	"log/slog"
	"math"
	"sort"
	"time"
)

// MinTrainDocs is how many papers the index waits for before it trains its
// semantic model; below that, search is lexical only.
const MinTrainDocs = 20

// FusionDepth is how deep each ranking goes before fusion.
const FusionDepth = 200

// rrfK is the rank constant of reciprocal rank fusion.
const rrfK = 60

// InlineTrainDocs is the corpus size up to which training runs inline in
// Sync; above it, training runs in the background and search stays lexical
// (or keeps the previous model) until it is done, so that a large instance
// starts serving at once.
const InlineTrainDocs = 50000

// maybeTrain (re)trains the semantic model when there is none yet and
// enough papers, or when the corpus has doubled since the last training:
// the model learns the field's vocabulary as the instance grows, and papers
// added in between are embedded by folding in.
//
// A model loaded from a snapshot written before the words' nearest papers
// were stored (v5 or older) gets them the same way, without retraining.
func (ix *Index) maybeTrain() {
	ix.mu.RLock()
	live, trained := ix.live, ix.trainedOn
	upgrade := ix.sem != nil && ix.vix != nil && ix.vix.g != nil && ix.vix.near == nil
	ix.mu.RUnlock()
	retrain := trained == 0 || live >= 2*trained
	if live < MinTrainDocs || (!retrain && !upgrade) || !ix.training.CompareAndSwap(false, true) {
		return
	}
	job := func() { ix.train(live) }
	if !retrain {
		job = ix.findNear
	}
	if live <= InlineTrainDocs {
		job()
		return
	}
	go job()
}

// nearBatch is how many words findNear walks for under one read lock: a
// write (and, behind it, every search) waits for at most one batch: at
// 2.7 M papers a word's walk took 5.3 ms, so 32 on two cores about 85 ms.
const nearBatch = 32

// findNear finds the words' nearest papers for the model in place (see
// maybeTrain). The graph may grow meanwhile, so each batch of walks holds
// the read lock; the next save stores the lists.
func (ix *Index) findNear() {
	defer ix.training.Store(false)
	start := time.Now()
	ix.mu.RLock()
	model, vi := ix.sem, ix.vix
	ix.mu.RUnlock()
	near := make([][]int32, len(model.words))
	for lo := 0; lo < len(near); lo += nearBatch {
		ix.mu.RLock()
		if ix.vix != vi { // retrained meanwhile: the new model has its own
			ix.mu.RUnlock()
			return
		}
		nearSeedsInto(near, model, vi.g, vi.seeds, lo, min(lo+nearBatch, len(near)))
		ix.mu.RUnlock()
	}
	ix.mu.Lock()
	installed := ix.vix == vi
	if installed {
		vi.near = near
	}
	ix.mu.Unlock()
	if installed {
		ix.writes.Add(1)
		ix.trainedSinceSave.Store(true)
		if ix.Log != nil {
			ix.Log.Info("words' nearest papers found", slog.Int("words", len(near)), slog.Duration("took", time.Since(start)))
		}
	}
}

// Train trains the semantic model now, whatever the corpus size, and
// returns when it is in place (for tools and benchmarks; the server trains
// in Sync).
func (ix *Index) Train() {
	ix.mu.RLock()
	live := ix.live
	ix.mu.RUnlock()
	if live >= MinTrainDocs && ix.training.CompareAndSwap(false, true) {
		ix.train(live)
	}
}

// train builds a new model and vector index from a snapshot of the
// postings taken under a short read lock, so searches and writes go on
// while it runs; papers written meanwhile are embedded when it installs.
func (ix *Index) train(live int) {
	defer ix.training.Store(false)
	start := time.Now()
	ix.mu.RLock()
	snap := corpusView{postings: make(map[string][]posting, len(ix.postings)), dead: append([]bool(nil), ix.dead...)}
	lens, avg := append([]float32(nil), ix.lens...), float32(ix.total/float64(max(1, ix.live)))
	for t, ps := range ix.postings {
		snap.postings[t] = ps // postings are append-only and compaction copies, so the prefix stays valid
	}
	ix.mu.RUnlock()
	model, err := trainLSA(snap, LSAOptions{Seed: 1})
	if err != nil { // search stays lexical; try again when the corpus has doubled
		if ix.Log != nil {
			ix.Log.Warn("semantic model not trained", slog.Any("error", err))
		}
		ix.mu.Lock()
		ix.trainedOn = live
		ix.mu.Unlock()
		return
	}
	trained := time.Since(start)
	vi := newVectorIndex(model.Dim, live)
	embedRange(snap, model, &vi.store, 0, len(snap.dead))
	vi.link(0, len(snap.dead))
	if vi.g != nil {
		vi.seeds = termSeeds(snap, model, lens, avg)
		vi.near = nearSeeds(model, vi.g, vi.seeds)
	}
	ix.mu.Lock()
	embedRange(corpusView{ix.postings, ix.dead}, model, &vi.store, len(snap.dead), len(ix.ids))
	vi.link(len(snap.dead), len(ix.ids))
	ix.sem, ix.vix, ix.trainedOn = model, vi, live
	ix.mu.Unlock()
	ix.writes.Add(1)
	ix.trainedSinceSave.Store(true)
	if ix.Log != nil {
		ix.Log.Info("semantic model trained", slog.Int("papers", live), slog.Int("dim", model.Dim),
			slog.Bool("graph", vi.g != nil), slog.Duration("model", trained), slog.Duration("took", time.Since(start)))
	}
}

// embedLocked embeds a new document with the current model (folding in).
func (ix *Index) embedLocked(doc int32, tf map[string]float32) {
	if ix.sem == nil {
		return
	}
	ix.vix.put(doc, ix.sem.EmbedTF(tf))
}

// Semantic ranks live documents by cosine similarity to q's embedding,
// walking the graph with ef candidates (0: EfSearch; -1: an exact scan of
// every vector). Nil before the model exists.
func (ix *Index) Semantic(q string, limit, ef int) []Hit {
	return ix.semantic(q, limit, ef, ix.Lexical(q, seedCount))
}

// seedCount is how many BM25 results seed the graph walk (with each query
// word's BM25 best and nearest papers, see termSeeds and nearSeeds).
const seedCount = 40

func (ix *Index) semantic(q string, limit, ef int, lex []Hit) []Hit {
	terms := Terms(q)
	if len(terms) == 0 {
		return nil
	}
	rv := ix.remoteQuery(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	seeds := make([]int32, 0, seedCount+2*len(terms)*termSeedCount)
	for _, h := range lex[:min(len(lex), seedCount)] {
		if d, ok := ix.docOf[h.ID]; ok {
			seeds = append(seeds, d)
		}
	}
	if ix.sem != nil && ix.vix.seeds != nil {
		for _, t := range terms {
			if id, ok := ix.sem.vocab[t]; ok {
				seeds = append(seeds, ix.vix.seeds[id]...)
				if int(id) < len(ix.vix.near) {
					seeds = append(seeds, ix.vix.near[id]...)
				}
			}
		}
	}
	if rv != nil && ix.remote.vix != nil {
		return ix.nearestLocked(ix.remote.vix, rv, limit, ef, -1, seeds)
	}
	if ix.sem == nil {
		return nil
	}
	return ix.nearestLocked(ix.vix, ix.sem.Embed(terms), limit, ef, -1, seeds)
}

// nearestLocked returns the depth live documents whose vectors are closest
// to qv, leaving out the document skip.
func (ix *Index) nearestLocked(vix *vectorIndex, qv []float32, depth, ef int, skip int32, seeds []int32) []Hit {
	if qv == nil {
		return nil
	}
	found := vix.search(qv, depth, ef, func(d int32) bool { return d != skip && ix.alive(d) }, seeds)
	hits := make([]Hit, len(found))
	for i, s := range found {
		hits[i] = Hit{ID: ix.ids[s.doc], Score: float64(s.score)}
	}
	return hits
}

// fuse merges rankings by reciprocal rank fusion: Σ 1/(60 + rank).
func fuse(lists ...[]Hit) []Hit {
	score := map[string]float64{}
	for _, l := range lists {
		for i, h := range l {
			score[h.ID] += 1 / float64(rrfK+i+1)
		}
	}
	out := make([]Hit, 0, len(score))
	for id, s := range score {
		out = append(out, Hit{ID: id, Score: s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID > out[j].ID
	})
	return out
}

// Similar returns the papers nearest to paper id by semantic similarity;
// nil before the model exists (callers then fall back to BM25).
func (ix *Index) Similar(id string, limit int) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	doc, ok := ix.docOf[id]
	if !ok {
		return nil
	}
	if r := ix.remote; r != nil && r.ready.Load() && r.vix.vec(doc) != nil {
		return ix.nearestLocked(r.vix, r.vix.vec(doc), limit, 0, doc, nil)
	}
	if ix.sem == nil {
		return nil
	}
	return ix.nearestLocked(ix.vix, ix.vix.vec(doc), limit, 0, doc, nil)
}

// Vectors returns the papers' dense vectors (nil for a paper without one),
// from the embeddings endpoint when its vectors are ready, else from the
// built-in model: recommendations use the same vectors as search. space
// names the vector space ("" when there are no vectors): a model trained
// in one space means nothing in another (the built-in model is retrained
// as the instance grows; the endpoint may come and go).
func (ix *Index) Vectors(ids []string) (vecs [][]float32, space string) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([][]float32, len(ids))
	vix := ix.vix
	switch r := ix.remote; {
	case r != nil && r.ready.Load():
		vix, space = r.vix, fmt.Sprintf("remote-%d", r.vix.store.dim)
	case ix.sem == nil:
		return out, ""
	default:
		space = ix.sem.space()
	}
	for i, id := range ids {
		if doc, ok := ix.docOf[id]; ok && ix.alive(doc) {
			if v := vix.vec(doc); v != nil {
				out[i] = append([]float32(nil), v...)
			}
		}
	}
	return out, space
}

// IDF returns BM25's idf of each term (a token; its stem is what is
// indexed) over the indexed papers,
// ln(1 + (N − df + ½)/(df + ½)): recommendations weigh terms by the whole
// instance, so that a model's weights mean the same for every batch of
// papers it scores.
func (ix *Index) IDF(terms []string) []float32 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := float64(ix.live)
	out := make([]float32, len(terms))
	for i, t := range terms {
		df := float64(min(len(ix.postings[Stem(t)]), ix.live))
		out[i] = float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
	}
	return out
}
