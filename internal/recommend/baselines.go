package recommend

// The three baselines of the offline evaluation. Each scores every
// document for an interest given by its positives (document indexes).

// BM25Concat scores documents by BM25 with the positives' texts
// concatenated as the query: every query token counts (qtf), k1 1.2, b 0.75.
func (c *Corpus) BM25Concat(pos []int) []float32 {
	const k1, b = 1.2, 0.75
	qtf := map[int32]float32{}
	for _, p := range pos {
		for _, t := range c.Counts[p] {
			qtf[t.ID] += t.W
		}
	}
	out := make([]float32, len(c.Counts))
	for d, counts := range c.Counts {
		norm := k1 * (1 - b + b*float64(c.Len[d])/c.AvgLen)
		var s float64
		for _, t := range counts {
			if q := qtf[t.ID]; q > 0 {
				tf := float64(t.W)
				s += float64(q) * float64(c.IDF[t.ID]) * tf * (k1 + 1) / (tf + norm)
			}
		}
		out[d] = float32(s)
	}
	return out
}

// Rocchio scores documents by the cosine of their TF-IDF vector with the
// positives' centroid.
func (c *Corpus) Rocchio(pos []int) []float32 {
	centroid := map[int32]float32{}
	for _, p := range pos {
		for _, t := range c.TFIDF[p] {
			centroid[t.ID] += t.W / float32(len(pos))
		}
	}
	var norm float32
	for _, w := range centroid {
		norm += w * w
	}
	out := make([]float32, len(c.TFIDF))
	if norm == 0 {
		return out
	}
	inv := 1 / sqrt32(norm)
	for d, v := range c.TFIDF {
		out[d] = dotSparse(v, centroid) * inv
	}
	return out
}

// MaxCosine scores documents by their best cosine to any positive's dense
// vector (zotero-arxiv-daily's method).
func (c *Corpus) MaxCosine(pos []int) []float32 {
	out := make([]float32, len(c.Dense))
	for d, v := range c.Dense {
		best := float32(-2)
		for _, p := range pos {
			if s := dotDense(v, c.Dense[p]); s > best {
				best = s
			}
		}
		out[d] = best
	}
	return out
}
