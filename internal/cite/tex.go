package cite

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// accentCmd is the TeX accent command of each combining mark.
var accentCmd = map[rune]string{
	'\u0300': "`", '\u0301': "'", '\u0302': "^", '\u0303': "~", '\u0304': "=", '\u0306': "u", '\u0307': ".",
	'\u0308': "\"", '\u030A': "r", '\u030B': "H", '\u030C': "v", '\u0327': "c", '\u0328': "k", '\u0323': "d",
}

// letterCmd are letters TeX writes with a command of their own.
var letterCmd = map[rune]string{
	'ß': `\ss`, 'ø': `\o`, 'Ø': `\O`, 'æ': `\ae`, 'Æ': `\AE`, 'œ': `\oe`, 'Œ': `\OE`, 'ł': `\l`, 'Ł': `\L`,
	'ı': `\i`, 'å': `\aa`, 'Å': `\AA`, 'đ': `\dj`, 'Đ': `\DJ`,
}

// toTeX writes Latin letters with accents as TeX ({\'e}, {\ss}), so that
// classic BibTeX sorts and abbreviates them; other text is kept as UTF-8,
// which BibTeX passes through.
func toTeX(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	rs := []rune(norm.NFD.String(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if cmd, ok := letterCmd[r]; ok {
			b.WriteString("{" + cmd + "}")
			continue
		}
		if i+1 < len(rs) && r < unicode.MaxASCII && unicode.IsLetter(r) {
			if cmd, ok := accentCmd[rs[i+1]]; ok {
				base := string(r)
				if r == 'i' {
					base = `\i` // the dotless i carries the accent
				}
				if unicode.IsLetter(rune(cmd[0])) {
					cmd += " " // \v c, not \vc
				}
				b.WriteString(`{\` + cmd + base + "}")
				i++
				continue
			}
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// bibValue makes s safe inside a braced BibTeX value: accents as TeX, the
// TeX specials & % # _ escaped outside math, and TeX's own markup kept
// when its braces and dollars pair up; when they do not, which would end
// the value or the entry early, every special is made literal.
func bibValue(s string) string {
	s = toTeX(strings.Join(strings.Fields(s), " "))
	out, ok := escapeSpecials(s, "&%#_")
	if !ok || !balanced(out) {
		out, _ = escapeSpecials(s, "&%#_{}$")
	}
	if n := len(out) - len(strings.TrimRight(out, `\`)); n%2 == 1 {
		out += " " // a last lone backslash would escape the closing brace
	}
	return out
}

// escapeSpecials puts a backslash before each unescaped byte of specials
// outside $…$ math (everywhere when specials hold '$'); it reports whether
// the dollars paired up.
func escapeSpecials(s, specials string) (string, bool) {
	var b strings.Builder
	math, literal := false, strings.Contains(specials, "$")
	for i := 0; i < len(s); i++ {
		c := s[i]
		escaped := i > 0 && s[i-1] == '\\' && (i < 2 || s[i-2] != '\\')
		if !escaped && !literal && c == '$' {
			math = !math
		}
		if !escaped && !math && strings.IndexByte(specials, c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String(), !math
}

// balanced reports whether the unescaped braces of s pair up.
func balanced(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i-1] == '\\' {
			continue
		}
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// foldAccents drops combining marks and maps TeX-less special letters to
// ASCII, for keys.
func foldAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if cmd, ok := letterCmd[r]; ok {
			b.WriteString(strings.TrimPrefix(cmd, `\`))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
