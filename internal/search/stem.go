package search

import (
	"sync"

	"github.com/kljensen/snowball/english"
)

// The lexical side indexes Snowball English stems ("networks", "network"
// and "networked" meet), and each posting keeps which surface forms of its
// stem the paper has (see formBit), so that a paper with the query's exact
// word ranks above one with only another form of it.

// exactBoost is what a term weighs more in a paper that has the query's
// form of it than in one with only other forms.
const exactBoost float32 = 0.15

// maxForms is how many surface forms of a stem have a bit of their own;
// the others share otherForm, which is never taken as exact.
const (
	maxForms  = 15
	otherForm = 1 << maxForms
)

// stemCache remembers stems: stemming costs a microsecond, and a corpus
// repeats its words. It stops growing at stemCacheMax words.
var stemCache = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const stemCacheMax = 2_000_000

// Stem is the Snowball English stem of a token (already lower case).
func Stem(t string) string {
	stemCache.RLock()
	s, ok := stemCache.m[t]
	stemCache.RUnlock()
	if ok {
		return s
	}
	s = english.Stem(t, true)
	stemCache.Lock()
	if len(stemCache.m) < stemCacheMax {
		stemCache.m[t] = s
	}
	stemCache.Unlock()
	return s
}

// Terms are the indexed terms of a text: the stems of its tokens.
func Terms(s string) []string {
	toks := Tokens(s)
	for i, t := range toks {
		toks[i] = Stem(t)
	}
	return toks
}

// formBit returns the bit of form among stem's surface forms, giving it
// the next free one if it has none. Called with the write lock held.
func (ix *Index) formBit(stem, form string) uint16 {
	forms := ix.forms[stem]
	for i, f := range forms {
		if f == form {
			return 1 << i
		}
	}
	if len(forms) < maxForms {
		ix.forms[stem] = append(forms, form)
		return 1 << len(forms)
	}
	return otherForm
}

// exactBit is form's bit among stem's forms, 0 when it has none (no paper
// has that form, or it shares the other forms' bit). Called with a lock
// held.
func (ix *Index) exactBit(stem, form string) uint16 {
	for i, f := range ix.forms[stem] {
		if f == form {
			return 1 << i
		}
	}
	return 0
}
