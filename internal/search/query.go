package search

import (
	"strings"
	"unicode/utf8"
)

// Query is a parsed search: free terms rank, quoted phrases must appear
// as written, and -terms must not appear at all.
type Query struct {
	Text     string     // the free terms, for ranking
	Phrases  [][]string // tokenized "quoted phrases"
	Excluded []string   // tokens of -terms
}

// MaxQueryRunes bounds the part of a query that is looked at; a longer one
// is cut, not refused, so a pasted abstract still finds its neighbours.
const MaxQueryRunes = 1000

// ParseQuery reads `flow "optimal transport" -diffusion`. An unbalanced
// quote runs to the end; stop words and punctuation simply vanish.
func ParseQuery(s string) Query {
	if utf8.RuneCountInString(s) > MaxQueryRunes {
		s = string([]rune(s)[:MaxQueryRunes])
	}
	var q Query
	var free []string
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t\r\n")
		switch {
		case s == "":
		case s[0] == '"':
			end := strings.IndexByte(s[1:], '"')
			phrase := s[1:]
			if end >= 0 {
				phrase, s = s[1:1+end], s[2+end:]
			} else {
				s = ""
			}
			if toks := Tokens(phrase); len(toks) > 0 {
				q.Phrases = append(q.Phrases, toks)
				free = append(free, toks...)
			}
		case s[0] == '-' && len(s) > 1 && s[1] != ' ':
			word, rest, _ := strings.Cut(s[1:], " ")
			q.Excluded = append(q.Excluded, Tokens(word)...)
			s = rest
		default:
			word, rest, _ := strings.Cut(s, " ")
			free = append(free, word)
			s = rest
		}
	}
	q.Text = strings.Join(free, " ")
	return q
}

// Matches reports whether a text (title and abstract) satisfies the
// query's phrases and exclusions.
func (q Query) Matches(text string) bool {
	if len(q.Phrases) == 0 && len(q.Excluded) == 0 {
		return true
	}
	toks := Tokens(text)
	for _, ex := range q.Excluded {
		for _, t := range toks {
			if t == ex {
				return false
			}
		}
	}
	for _, ph := range q.Phrases {
		if !containsRun(toks, ph) {
			return false
		}
	}
	return true
}

func containsRun(toks, run []string) bool {
outer:
	for i := 0; i+len(run) <= len(toks); i++ {
		for j, r := range run {
			if toks[i+j] != r {
				continue outer
			}
		}
		return true
	}
	return false
}
