package latex

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

var (
	// \'a  \'{a}  {\'a}  \"{\i}  \^o
	symbolAccent = regexp.MustCompile(`\{?\\(['"` + "`" + `^~=.])\s*(?:\{(\\[ij]|[A-Za-z])\}|(\\[ij]|[A-Za-z]))\}?`)
	// \c{c}  \v{s}  \c c  {\v s}
	letterAccent = regexp.MustCompile(`\{?\\([cuvHkrdb])(?:\{(\\[ij]|[A-Za-z])\}| ([A-Za-z]))\}?`)
	// \ss \o \ae … as whole words
	letterCommand = regexp.MustCompile(`\{?\\(ss|o|O|ae|AE|oe|OE|aa|AA|l|L)\b\}?(\{\})?`)
)

// Accents replaces TeX's text accents and special letters outside math with
// the letters they stand for (Bal\'azs → Balázs, Gr\"{o}bner → Gröbner,
// \c{c} → ç) and leaves everything else, math included, as it is. Importers
// use it so that names and titles read and search as people write them.
func Accents(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	parts := strings.Split(s, "$")
	for i := 0; i < len(parts); i += 2 { // even parts are outside $…$
		parts[i] = accentsOutsideMath(parts[i])
	}
	return strings.Join(parts, "$")
}

func accentsOutsideMath(s string) string {
	compose := func(mark rune, base string) string {
		switch base {
		case `\i`:
			base = "i"
		case `\j`:
			base = "j"
		}
		return norm.NFC.String(base + string(mark))
	}
	s = symbolAccent.ReplaceAllStringFunc(s, func(m string) string {
		sm := symbolAccent.FindStringSubmatch(m)
		return compose(textAccents[sm[1]], sm[2]+sm[3])
	})
	s = letterAccent.ReplaceAllStringFunc(s, func(m string) string {
		sm := letterAccent.FindStringSubmatch(m)
		return compose(textAccents[sm[1]], sm[2]+sm[3])
	})
	return letterCommand.ReplaceAllStringFunc(s, func(m string) string {
		sm := letterCommand.FindStringSubmatch(m)
		return textSymbols[sm[1]]
	})
}
