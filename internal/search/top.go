package search

import "sort"

// hitTop keeps the k best documents offered, in a min-heap by score; ties
// go to the greater id, as everywhere in search.
type hitTop struct {
	k   int
	ids []string
	h   []docScore
}

type docScore struct {
	doc   int32
	score float32
}

func (t *hitTop) worse(a, b docScore) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return t.ids[a.doc] < t.ids[b.doc]
}

func (t *hitTop) full() bool { return len(t.h) >= t.k }

// threshold is the least score among the k best, 0 until there are k: a
// document below it cannot be in the results.
func (t *hitTop) threshold() float32 {
	if !t.full() {
		return 0
	}
	return t.h[0].score
}

func (t *hitTop) offer(doc int32, score float32) {
	x := docScore{doc, score}
	if !t.full() {
		t.h = append(t.h, x)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !t.worse(t.h[i], t.h[p]) {
				break
			}
			t.h[i], t.h[p] = t.h[p], t.h[i]
			i = p
		}
		return
	}
	if !t.worse(t.h[0], x) {
		return
	}
	t.h[0] = x
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(t.h) {
			return
		}
		if c+1 < len(t.h) && t.worse(t.h[c+1], t.h[c]) {
			c++
		}
		if !t.worse(t.h[c], t.h[i]) {
			return
		}
		t.h[i], t.h[c] = t.h[c], t.h[i]
		i = c
	}
}

// sorted returns the documents kept, best first.
func (t *hitTop) sorted() []Hit {
	sort.Slice(t.h, func(i, j int) bool { return t.worse(t.h[j], t.h[i]) })
	out := make([]Hit, len(t.h))
	for i, x := range t.h {
		out[i] = Hit{ID: t.ids[x.doc], Score: float64(x.score)}
	}
	return out
}
