package search

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Spelling correction: a query term that matches no paper, or very few,
// is replaced by the most frequent indexed term within edit distance 2
// (1 for short terms), transpositions counting one, when that term is in
// many more papers. Candidates come from a deletion index (Garbe's
// SymSpell idea): every frequent term is filed under itself and each of
// its one-letter deletions, and a query term is looked up the same way, so
// two strings that meet this way are within distance 2; the true distance
// is then checked.
const (
	correctMaxDF    = 2  // a term in at most this many papers may be a typo
	correctMinDF    = 5  // a correction is a term in at least this many papers
	correctFactor   = 10 // ... and in this many times as many as the typo
	correctMinRunes = 4  // shorter terms are left alone
)

// speller is the deletion index over the frequent terms, rebuilt when the
// index has grown by a tenth since.
type speller struct {
	mu    sync.Mutex
	built int // live documents when built
	terms []string
	df    []int
	del   map[string][]int32 // a term or one-letter deletion → term ids
}

func (sp *speller) stale(live int) bool { return sp.del == nil || live > sp.built+sp.built/10 }

// build files every surface form of every stem in at least correctMinDF
// papers (corrections are words as people write them, not stems), with
// its stem's count. Called with the index's read lock held.
func (sp *speller) build(ix *Index) {
	sp.terms, sp.df, sp.built = sp.terms[:0], sp.df[:0], ix.live
	sp.del = map[string][]int32{}
	for st, forms := range ix.forms {
		df := len(ix.postings[st])
		if df < correctMinDF {
			continue
		}
		for _, t := range forms {
			if utf8.RuneCountInString(t) < correctMinRunes-1 || isNumber(t) {
				continue
			}
			id := int32(len(sp.terms))
			sp.terms, sp.df = append(sp.terms, t), append(sp.df, df)
			sp.del[t] = append(sp.del[t], id)
			forDeletes(t, func(d string) { sp.del[d] = append(sp.del[d], id) })
		}
	}
}

// forDeletes calls f with each string one rune shorter than t.
func forDeletes(t string, f func(string)) {
	for i, r := range t {
		f(t[:i] + t[i+utf8.RuneLen(r):])
	}
}

func isNumber(t string) bool {
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Correct returns q with its misspelled free terms corrected, and whether
// any was. Quoted phrases, -terms and field:values are kept as written.
func (ix *Index) Correct(q string) (string, bool) {
	words := strings.Fields(q)
	changed := false
	for i, w := range words {
		if strings.ContainsAny(w, `"-:`) || len(Tokens(w)) != 1 {
			continue
		}
		if c := ix.correctTerm(Tokens(w)[0]); c != "" {
			words[i], changed = c, true
		}
	}
	if !changed {
		return q, false
	}
	return strings.Join(words, " "), true
}

// correctTerm returns the correction of t, "" when it needs none or has
// none.
func (ix *Index) correctTerm(t string) string {
	n := utf8.RuneCountInString(t)
	if n < correctMinRunes || isNumber(t) {
		return ""
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := Stem(t)
	df := len(ix.postings[st])
	// A form no paper has, though its stem matches ("reinforcment" stems
	// as "reinforcement" does), is a typo too: its own count is 0.
	if len(ix.forms[st]) < maxForms && ix.exactBit(st, t) == 0 {
		df = 0
	}
	if df > correctMaxDF {
		return ""
	}
	sp := &ix.spell
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.stale(ix.live) {
		sp.build(ix)
	}
	maxDist := 2
	if n <= 5 {
		maxDist = 1
	}
	best, bestDF, bestDist := "", max(correctMinDF, correctFactor*df)-1, maxDist+1
	seen := map[int32]bool{}
	try := func(key string) {
		for _, id := range sp.del[key] {
			if seen[id] {
				continue
			}
			seen[id] = true
			c := sp.terms[id]
			if c == t {
				continue
			}
			d := distance(t, c, maxDist)
			if d > maxDist {
				continue
			}
			if sp.df[id] > bestDF || sp.df[id] == bestDF && (d < bestDist || d == bestDist && c < best) {
				best, bestDF, bestDist = c, sp.df[id], d
			}
		}
	}
	try(t)
	forDeletes(t, try)
	return best
}

// distance is the optimal string alignment distance of a and b (edits,
// with a transposition of neighbours counting one), or max+1 once it is
// known to exceed max.
func distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
