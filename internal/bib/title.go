package bib

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TitleKey normalises a title for matching: TeX markup and accents
// dropped ({\"o} and ö are both o), case folded, punctuation and math
// delimiters gone, words joined by single spaces. A BibTeX title and the
// stored one of the same paper get the same key.
func TitleKey(s string) string {
	var b strings.Builder
	space := true
	word := func(r rune) {
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	rs := []rune(norm.NFD.String(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\':
			// A TeX command: \"o and \'e keep their letter, \emph and \ss
			// (a word) go, except the letters named like ß, ø.
			j := i + 1
			for j < len(rs) && unicode.IsLetter(rs[j]) && rs[j] < unicode.MaxASCII {
				j++
			}
			if name := string(rs[i+1 : j]); name != "" {
				if g, ok := greek[name]; ok {
					word(g)
				} else if l, ok := texLetters[name]; ok {
					for _, c := range l {
						word(c)
					}
				}
				i = j - 1
			} else {
				i++ // \' \" \^ …: the accented letter follows
			}
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if f, ok := foldLetters[r]; ok {
				for _, c := range f {
					word(c)
				}
			} else {
				word(r)
			}
		case r == '{' || r == '}' || r == '$' || r == '_' || r == '^':
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

var texLetters = map[string]string{"ss": "ss", "o": "o", "O": "o", "ae": "ae", "AE": "ae", "oe": "oe", "OE": "oe",
	"l": "l", "L": "l", "i": "i", "j": "j", "aa": "a", "AA": "a"}

var foldLetters = map[rune]string{'ß': "ss", 'ø': "o", 'Ø': "o", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ł': "l", 'Ł': "l", 'ı': "i", 'đ': "d"}

// greek are TeX's Greek letters, so that "$\pi_0$" and "π0" match.
var greek = func() map[string]rune {
	m := map[string]rune{}
	for i, n := range strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho varsigma sigma tau upsilon phi chi psi omega") {
		m[n] = 'α' + rune(i)
	}
	m["varepsilon"], m["vartheta"], m["varphi"], m["varrho"] = 'ε', 'θ', 'φ', 'ρ'
	return m
}()
