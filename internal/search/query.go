package search

import (
	"strings"
	"unicode/utf8"

	"github.com/quire/quire/internal/model"
)

// Query is a parsed search: free terms rank, quoted phrases must appear
// as written, -terms must not appear at all, and field:terms must appear
// in that field (author:, title:, abstract:, or category:, whose value is
// a category or archive, "cs.LG" or "cs").
type Query struct {
	Text     string     // the free terms, for ranking (field terms included)
	Phrases  [][]string // tokenized "quoted phrases"
	Excluded []string   // tokens of -terms
	Fields   []Field
}

// Field is a field:value part of a query.
type Field struct {
	Name   string   // author, title, abstract or category
	Value  string   // as written (a category's name)
	Tokens []string // the value's tokens, in order
}

// fieldNames are the prefixes ParseQuery reads as fields.
var fieldNames = map[string]bool{"author": true, "title": true, "abstract": true, "category": true}

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
		case isField(s):
			name, rest, _ := strings.Cut(s, ":")
			var value string
			if strings.HasPrefix(rest, `"`) {
				end := strings.IndexByte(rest[1:], '"')
				if end < 0 {
					value, s = rest[1:], ""
				} else {
					value, s = rest[1:1+end], rest[2+end:]
				}
			} else {
				value, s, _ = strings.Cut(rest, " ")
			}
			f := Field{Name: strings.ToLower(name), Value: strings.TrimSpace(value), Tokens: Tokens(value)}
			if f.Value == "" {
				continue
			}
			q.Fields = append(q.Fields, f)
			if f.Name != "category" {
				free = append(free, f.Tokens...)
			}
		default:
			word, rest, _ := strings.Cut(s, " ")
			free = append(free, word)
			s = rest
		}
	}
	q.Text = strings.Join(free, " ")
	return q
}

// isField reports whether s starts with a known field:value.
func isField(s string) bool {
	name, rest, ok := strings.Cut(s, ":")
	return ok && !strings.ContainsAny(name, " \t\"") && fieldNames[strings.ToLower(name)] && rest != "" && rest[0] != ' '
}

// MatchesPaper reports whether p satisfies the query's phrases,
// exclusions and fields.
func (q Query) MatchesPaper(p *model.Paper) bool {
	if !q.Matches(p.Title + " " + p.Summary) {
		return false
	}
	for _, f := range q.Fields {
		if !f.matches(p) {
			return false
		}
	}
	return true
}

func (f Field) matches(p *model.Paper) bool {
	switch f.Name {
	case "title":
		return containsRun(Tokens(p.Title), f.Tokens)
	case "abstract":
		return containsRun(Tokens(p.Summary), f.Tokens)
	case "author":
		for _, a := range p.Authors {
			if containsRun(Tokens(a.Name), f.Tokens) {
				return true
			}
		}
		return false
	default: // category
		for _, c := range p.Categories {
			if strings.EqualFold(c, f.Value) || len(c) > len(f.Value) && strings.EqualFold(c[:len(f.Value)], f.Value) && c[len(f.Value)] == '.' {
				return true
			}
		}
		return false
	}
}

// Category is the query's category: value, "" when it has none.
func (q Query) Category() string {
	for _, f := range q.Fields {
		if f.Name == "category" {
			return f.Value
		}
	}
	return ""
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
