package search

import (
	"log/slog"
	"sort"
	"time"
)

// MinTrainDocs is how many papers the index waits for before it trains its
// semantic model; below that, search is lexical only.
const MinTrainDocs = 20

// candidates is how deep each ranking goes before fusion.
const candidates = 200

// rrfK is the rank constant of reciprocal rank fusion.
const rrfK = 60

// InlineTrainDocs is the corpus size up to which training runs inline in
// Sync; above it, training runs in the background and search stays lexical
// until it is done, so that a large instance starts serving at once.
const InlineTrainDocs = 50000

// maybeTrain (re)trains the semantic model when there is none yet and
// enough papers, or when the corpus has doubled since the last training:
// the model learns the field's vocabulary as the instance grows, and papers
// added in between are embedded by folding in.
func (ix *Index) maybeTrain() {
	ix.mu.RLock()
	live, trained := ix.live, ix.trainedOn
	ix.mu.RUnlock()
	if live < MinTrainDocs || (trained > 0 && live < 2*trained) || !ix.training.CompareAndSwap(false, true) {
		return
	}
	if live <= InlineTrainDocs {
		ix.train(live)
		return
	}
	go ix.train(live)
}

func (ix *Index) train(live int) {
	defer ix.training.Store(false)
	start := time.Now()
	ix.mu.RLock()
	docs := make([]map[string]float64, len(ix.ids))
	for t, ps := range ix.postings {
		for _, p := range ps {
			if !ix.alive(p.doc) {
				continue
			}
			if docs[p.doc] == nil {
				docs[p.doc] = map[string]float64{}
			}
			docs[p.doc][t] += float64(p.tf)
		}
	}
	ix.mu.RUnlock()
	var train []map[string]float64
	for _, d := range docs {
		if d != nil {
			train = append(train, d)
		}
	}
	model, err := TrainLSATF(train, LSAOptions{Seed: 1})
	if err != nil {
		if ix.Log != nil {
			ix.Log.Warn("semantic model not trained", slog.Any("error", err))
		}
		return
	}
	vecs := make([][]float32, len(docs))
	for i, d := range docs {
		if d != nil {
			vecs[i] = model.EmbedTF(d)
		}
	}
	ix.mu.Lock()
	ix.sem, ix.vecs, ix.trainedOn = model, vecs, live
	ix.mu.Unlock()
	if ix.Log != nil {
		ix.Log.Info("semantic model trained", slog.Int("papers", live), slog.Int("dim", model.Dim),
			slog.Duration("took", time.Since(start)))
	}
}

// embedLocked embeds a new document with the current model (folding in).
func (ix *Index) embedLocked(doc int32, tf map[string]float32) {
	if ix.sem == nil {
		return
	}
	counts := make(map[string]float64, len(tf))
	for t, f := range tf {
		counts[t] = float64(f)
	}
	for int(doc) >= len(ix.vecs) {
		ix.vecs = append(ix.vecs, nil)
	}
	ix.vecs[doc] = ix.sem.EmbedTF(counts)
}

// semanticLocked ranks documents by cosine similarity to q (exact search).
func (ix *Index) semanticLocked(q []string, depth int) []Hit {
	if ix.sem == nil {
		return nil
	}
	qv := ix.sem.Embed(q)
	if qv == nil {
		return nil
	}
	return ix.nearestLocked(qv, depth, -1)
}

// nearestLocked returns the depth live documents whose vectors are closest
// to qv, leaving out the document skip.
func (ix *Index) nearestLocked(qv []float32, depth int, skip int32) []Hit {
	hits := make([]Hit, 0, 256)
	for doc, v := range ix.vecs {
		if v == nil || int32(doc) == skip || !ix.alive(int32(doc)) {
			continue
		}
		hits = append(hits, Hit{ID: ix.ids[doc], Score: float64(Dot(qv, v))})
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	return hits[:min(depth, len(hits))]
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
	if !ok || ix.sem == nil || int(doc) >= len(ix.vecs) || ix.vecs[doc] == nil {
		return nil
	}
	return ix.nearestLocked(ix.vecs[doc], limit, doc)
}
