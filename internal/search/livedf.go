package search

import "sync"

// liveDF remembers the live document frequencies of the stems queried
// while some postings belong to removed papers: a list's length is then
// more than its stem's document frequency, and counting its live postings
// reads it whole, which for a frequent stem costs more than the ranking
// does. New papers add one to the stems they have; a removal, which does
// not know its paper's stems, forgets everything.
type liveDF struct {
	mu sync.Mutex
	m  map[string]int
}

// liveDFMax bounds the stems remembered: a visitor's queries must not grow it.
const liveDFMax = 1 << 14

// get returns stem's live document frequency, counting it when it is not
// remembered. Called with the index's read lock held.
func (l *liveDF) get(stem string, count func() int) int {
	l.mu.Lock()
	df, ok := l.m[stem]
	l.mu.Unlock()
	if ok {
		return df
	}
	df = count()
	l.mu.Lock()
	if l.m == nil || len(l.m) >= liveDFMax {
		l.m = map[string]int{}
	}
	l.m[stem] = df
	l.mu.Unlock()
	return df
}

// added accounts for a new paper with stem. Called with the write lock held.
func (l *liveDF) added(stem string) {
	l.mu.Lock()
	if _, ok := l.m[stem]; ok {
		l.m[stem]++
	}
	l.mu.Unlock()
}

// forget drops every count. Called with the write lock held.
func (l *liveDF) forget() {
	l.mu.Lock()
	l.m = nil
	l.mu.Unlock()
}
