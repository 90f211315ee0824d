package search

import (
	"html"
	"strings"
	"unicode"
)

// Snippet returns about width words of text around the densest cluster of
// query terms, HTML-escaped, with the matching words in <mark>: the reason
// a result matched, shown with it.
func Snippet(text, query string, width int) string {
	want := map[string]bool{} // stems: a search finds every form of its words
	for _, t := range Terms(query) {
		want[t] = true
	}
	words := strings.Fields(text)
	if len(words) == 0 {
		return ""
	}
	hit := make([]bool, len(words))
	for i, w := range words {
		hit[i] = want[Stem(strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })))]
	}
	best, bestN, n := 0, -1, 0
	for i := range words { // sliding window [i-width+1, i]
		if hit[i] {
			n++
		}
		if i >= width && hit[i-width] {
			n--
		}
		if n > bestN {
			best, bestN = max(0, i-width+1), n
		}
	}
	end := min(len(words), best+width)
	var b strings.Builder
	if best > 0 {
		b.WriteString("… ")
	}
	for i := best; i < end; i++ {
		if i > best {
			b.WriteByte(' ')
		}
		if hit[i] {
			b.WriteString("<mark>" + html.EscapeString(words[i]) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(words[i]))
		}
	}
	if end < len(words) {
		b.WriteString(" …")
	}
	return b.String()
}
