// Package cite writes citations of papers in the formats reference managers
// read: BibTeX in arXiv's own export form, RIS and CSL-JSON. Author order is
// kept; names and titles are made valid for each format (TeX accents and
// escapes for BibTeX, plain UTF-8 elsewhere).
package cite

import (
	"strings"
	"unicode"
)

// Name is an author's name split as reference managers need it.
type Name struct {
	Given, Family, Suffix string
	// Literal is set for a name that is not a person's (a consortium) or
	// cannot be split; Given and Family are empty then.
	Literal string
}

// particles are lower-case name prefixes that belong to the family name
// ("van der Waals", "de la Cruz").
var particles = map[string]bool{
	"van": true, "von": true, "der": true, "den": true, "de": true, "del": true, "della": true, "di": true,
	"da": true, "du": true, "dos": true, "das": true, "la": true, "le": true, "ten": true, "ter": true, "zu": true, "al": true, "el": true, "bin": true,
}

var suffixes = map[string]bool{"jr": true, "jr.": true, "sr": true, "sr.": true, "ii": true, "iii": true, "iv": true}

// collective words mark an author that is a group, not a person.
var collective = []string{"collaboration", "consortium", "team", "group", "project", "committee", "initiative", "network"}

// SplitName splits "Given [particles] Family[, Suffix]" as arXiv writes
// names; "Family, Given" is taken as it is.
func SplitName(full string) Name {
	full = strings.Join(strings.Fields(full), " ")
	low := strings.ToLower(full)
	for _, w := range collective {
		if strings.Contains(low, w) {
			return Name{Literal: full}
		}
	}
	if fam, given, ok := strings.Cut(full, ", "); ok && !suffixes[strings.ToLower(given)] {
		return Name{Family: fam, Given: given}
	}
	words := strings.Fields(strings.ReplaceAll(full, ",", ""))
	var suffix string
	if n := len(words); n > 2 && suffixes[strings.ToLower(words[n-1])] {
		suffix, words = words[n-1], words[:n-1]
	}
	switch len(words) {
	case 0:
		return Name{}
	case 1:
		return Name{Literal: words[0]}
	}
	start := len(words) - 1
	for start > 1 && particles[words[start-1]] {
		start--
	}
	if start == 1 && particles[words[0]] { // "de Gaulle": no given name
		start = 0
	}
	if start == 0 {
		return Name{Family: strings.Join(words, " "), Suffix: suffix}
	}
	return Name{Given: strings.Join(words[:start], " "), Family: strings.Join(words[start:], " "), Suffix: suffix}
}

// keyWord returns s folded to lower-case ASCII letters, for citation keys.
func keyWord(s string) string {
	var b strings.Builder
	for _, r := range foldAccents(s) {
		if r < unicode.MaxASCII && unicode.IsLetter(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
