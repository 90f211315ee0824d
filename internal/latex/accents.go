package latex

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Accents replaces TeX's text accents and special letters outside math with
// the letters they stand for (Bal\'azs → Balázs, Gr\"{o}bner → Gröbner,
// {\"o} → ö, \c{c} → ç, \ss → ß) and leaves everything else, math included,
// as it is. Importers use it so that names and titles read and search as
// people write them. It scans by hand: it runs on every abstract of a bulk
// import.
func Accents(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	inMath := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '$':
			inMath = !inMath
		case c == '\\' && !inMath:
			if out, n := accentAt(s, i); n > 0 {
				// {\"o}: the group only held the accent, so its braces go too.
				if i > 0 && s[i-1] == '{' && i+n < len(s) && s[i+n] == '}' && strings.HasSuffix(b.String(), "{") {
					str := b.String()
					b.Reset()
					b.WriteString(str[:len(str)-1])
					n++
				}
				b.WriteString(out)
				i += n
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// accentAt reads an accent command at s[i] (a backslash) and returns the
// composed letter and the bytes it spans, or n == 0.
func accentAt(s string, i int) (string, int) {
	j := i + 1
	if j >= len(s) {
		return "", 0
	}
	// Symbol accents: \'a \'{a} \"{\i}
	if strings.IndexByte(`'"`+"`"+`^~=.`, s[j]) >= 0 {
		base, n := accentBase(s, j+1, false)
		if n == 0 {
			return "", 0
		}
		return compose(base, textAccents[s[j:j+1]]), j + 1 + n - i
	}
	k := j
	for k < len(s) && isASCIILetter(s[k]) {
		k++
	}
	name := s[j:k]
	if len(name) == 1 && strings.Contains("cuvHkrdb", name) {
		base, n := accentBase(s, k, true)
		if n == 0 {
			return "", 0
		}
		return compose(base, textAccents[name]), k + n - i
	}
	switch name {
	case "ss", "o", "O", "ae", "AE", "oe", "OE", "aa", "AA", "l", "L":
		n := k - i
		switch {
		case strings.HasPrefix(s[k:], "{}"):
			n += 2
		case strings.HasPrefix(s[k:], " "): // TeX eats the space after a control word
			n++
		}
		return textSymbols[name], n
	}
	return "", 0
}

// accentBase reads the letter an accent applies to at s[i]: {x}, {\i}, x,
// \i, or (for letter-named accents, which need a separator) " x".
func accentBase(s string, i int, letterNamed bool) (string, int) {
	if strings.HasPrefix(s[i:], "{") {
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", 0
		}
		inner := s[i+1 : i+end]
		if inner == `\i` || inner == `\j` || (utf8.RuneCountInString(inner) == 1 && isLetter(inner)) {
			return inner, end + 1
		}
		return "", 0
	}
	start := i
	if letterNamed && !strings.HasPrefix(s[i:], " ") {
		return "", 0
	}
	for i < len(s) && s[i] == ' ' { // ' c is ć: TeX skips spaces before the base
		i++
	}
	if strings.HasPrefix(s[i:], `\i`) || strings.HasPrefix(s[i:], `\j`) {
		if i+2 == len(s) || !isASCIILetter(s[i+2]) {
			return s[i : i+2], i + 2 - start
		}
		return "", 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if n == 0 || !isLetter(string(r)) {
		return "", 0
	}
	return s[i : i+n], i + n - start
}

func isLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r < utf8.RuneSelf && isASCIILetter(byte(r)) || r >= utf8.RuneSelf && r != utf8.RuneError
}

func compose(base string, mark rune) string {
	switch base {
	case `\i`:
		base = "i"
	case `\j`:
		base = "j"
	}
	return norm.NFC.String(base + string(mark))
}
