package latex

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep a hostile fragment from costing more than a real one.
const (
	maxMathLen   = 4000
	maxMathDepth = 48
)

// bigOperators take their limits above and below in display style.
var bigOperators = map[string]bool{
	"sum": true, "prod": true, "coprod": true, "bigcup": true, "bigcap": true, "bigoplus": true,
	"bigotimes": true, "bigvee": true, "bigwedge": true, "lim": true, "max": true, "min": true,
	"sup": true, "inf": true, "argmax": true, "argmin": true, "limsup": true, "liminf": true,
}

// Math renders one TeX math fragment (without its $ delimiters) to a <math>
// element. Anything it does not understand is an error, and the caller
// shows the source instead: a wrong rendering is worse than none.
func Math(src string, display bool) (string, error) {
	if len(src) > maxMathLen {
		return "", fmt.Errorf("fragment longer than %d bytes", maxMathLen)
	}
	p := &mathParser{src: src, display: display}
	body, err := p.seq(0)
	if err != nil {
		return "", err
	}
	if p.pos < len(p.src) {
		return "", fmt.Errorf("unbalanced '}' at %d", p.pos)
	}
	var b strings.Builder
	b.WriteString("<math")
	if display {
		b.WriteString(` display="block"`)
	}
	b.WriteString("><semantics><mrow>")
	b.WriteString(body)
	b.WriteString(`</mrow><annotation encoding="application/x-tex">`)
	b.WriteString(html.EscapeString(src))
	b.WriteString("</annotation></semantics></math>")
	return b.String(), nil
}

type mathParser struct {
	src     string
	pos     int
	depth   int
	font    font
	display bool
}

// token kinds
const (
	tEOF = iota
	tChar
	tCmd
	tOpen
	tClose
	tSup
	tSub
)

type token struct {
	kind int
	text string // the command name or the character
}

func (p *mathParser) skipSpace() {
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += n
	}
}

func (p *mathParser) peek() token {
	save := p.pos
	t := p.next()
	p.pos = save
	return t
}

func (p *mathParser) next() token {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return token{kind: tEOF}
	}
	r, n := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += n
	switch r {
	case '{':
		return token{kind: tOpen}
	case '}':
		return token{kind: tClose}
	case '^':
		return token{kind: tSup}
	case '_':
		return token{kind: tSub}
	case '\\':
		start := p.pos
		for p.pos < len(p.src) && isASCIILetter(p.src[p.pos]) {
			p.pos++
		}
		if p.pos == start && p.pos < len(p.src) {
			_, n := utf8.DecodeRuneInString(p.src[p.pos:])
			p.pos += n
		}
		return token{kind: tCmd, text: p.src[start:p.pos]}
	}
	return token{kind: tChar, text: string(r)}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// seq parses atoms with their scripts until the end of the enclosing group
// (a '}' or, with stopAtRight, a \right).
func (p *mathParser) seq(stop int) (string, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxMathDepth {
		return "", fmt.Errorf("nested deeper than %d", maxMathDepth)
	}
	saved := p.font
	defer func() { p.font = saved }()
	var b strings.Builder
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return b.String(), nil
		case t.kind == tClose:
			if stop == tClose {
				return b.String(), nil
			}
			return "", fmt.Errorf("unbalanced '}' at %d", p.pos)
		case t.kind == tCmd && t.text == "right" && stop == tCmd:
			return b.String(), nil
		case t.kind == tCmd && (t.text == "over" || t.text == "choose" || t.text == "atop"):
			// TeX's infix fractions: everything before, over everything after.
			p.next()
			den, err := p.seq(stop)
			if err != nil {
				return "", err
			}
			switch t.text {
			case "over":
				return "<mfrac>" + row(b.String()) + row(den) + "</mfrac>", nil
			case "choose":
				return `<mrow><mo>(</mo><mfrac linethickness="0">` + row(b.String()) + row(den) + "</mfrac><mo>)</mo></mrow>", nil
			}
			return `<mfrac linethickness="0">` + row(b.String()) + row(den) + "</mfrac>", nil
		}
		atom, err := p.scripted()
		if err != nil {
			return "", err
		}
		b.WriteString(atom)
	}
}

// scripted parses one atom and any ^/_ scripts after it.
func (p *mathParser) scripted() (string, error) {
	var base string
	var bigOp bool
	if t := p.peek(); t.kind != tSup && t.kind != tSub {
		if t.kind == tCmd {
			bigOp = bigOperators[t.text]
		}
		var err error
		if base, err = p.atom(); err != nil {
			return "", err
		}
	}
	var sub, sup string
	for {
		t := p.peek()
		if t.kind != tSup && t.kind != tSub {
			break
		}
		p.next()
		arg, err := p.argument()
		if err != nil {
			return "", err
		}
		if t.kind == tSup {
			if sup != "" {
				return "", fmt.Errorf("double superscript")
			}
			sup = arg
		} else {
			if sub != "" {
				return "", fmt.Errorf("double subscript")
			}
			sub = arg
		}
	}
	if sub == "" && sup == "" {
		return base, nil
	}
	if base == "" {
		base = "<mrow></mrow>"
	}
	under, over, both := "msub", "msup", "msubsup"
	if bigOp && p.display {
		under, over, both = "munder", "mover", "munderover"
	}
	switch {
	case sup == "":
		return wrap(under, base, sub), nil
	case sub == "":
		return wrap(over, base, sup), nil
	}
	return wrap(both, base, sub, sup), nil
}

// wrap builds <tag>children</tag>, each child made a single element.
func wrap(tag string, children ...string) string {
	var b strings.Builder
	b.WriteString("<" + tag + ">")
	for _, c := range children {
		b.WriteString(row(c))
	}
	b.WriteString("</" + tag + ">")
	return b.String()
}

// row makes a fragment one element: MathML script and fraction elements
// count their children, so a multi-element argument needs an <mrow>.
func row(s string) string {
	if s == "" {
		return "<mrow></mrow>"
	}
	if strings.HasPrefix(s, "<mrow>") && strings.HasSuffix(s, "</mrow>") && strings.Count(s, "<mrow>") == 1 {
		return s
	}
	if single(s) {
		return s
	}
	return "<mrow>" + s + "</mrow>"
}

// single reports whether s is exactly one element.
func single(s string) bool {
	if !strings.HasPrefix(s, "<") {
		return false
	}
	end := strings.IndexAny(s[1:], " >")
	if end < 0 {
		return false
	}
	name := s[1 : 1+end]
	closeTag := "</" + name + ">"
	if !strings.HasSuffix(s, closeTag) {
		return strings.HasSuffix(s, "/>") && strings.Count(s, "<") == 1
	}
	// Nested elements of the same name make a prefix/suffix match ambiguous;
	// count depth to be sure the first element spans the whole string.
	depth := 0
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "<"+name+">") || strings.HasPrefix(s[i:], "<"+name+" "):
			depth++
		case strings.HasPrefix(s[i:], closeTag):
			depth--
			if depth == 0 {
				return i+len(closeTag) == len(s)
			}
		}
		i++
	}
	return false
}

// argument parses a command or script argument: a group or one token.
func (p *mathParser) argument() (string, error) {
	t := p.peek()
	switch t.kind {
	case tEOF:
		return "", fmt.Errorf("missing argument at end")
	case tOpen:
		p.next()
		s, err := p.seq(tClose)
		if err != nil {
			return "", err
		}
		if p.next().kind != tClose {
			return "", fmt.Errorf("missing '}'")
		}
		return s, nil
	case tClose, tSup, tSub:
		return "", fmt.Errorf("missing argument at %d", p.pos)
	}
	return p.atom()
}

// rawGroup returns the source text of a {…} group, for \text and friends.
func (p *mathParser) rawGroup() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '{' {
		return "", fmt.Errorf("expected '{' at %d", p.pos)
	}
	end := groupEnd(p.src, p.pos)
	if end < 0 {
		return "", fmt.Errorf("missing '}'")
	}
	s := p.src[p.pos+1 : end-1]
	p.pos = end
	return s, nil
}

func (p *mathParser) atom() (string, error) {
	t := p.next()
	switch t.kind {
	case tOpen:
		s, err := p.seq(tClose)
		if err != nil {
			return "", err
		}
		if p.next().kind != tClose {
			return "", fmt.Errorf("missing '}'")
		}
		return "<mrow>" + s + "</mrow>", nil
	case tChar:
		return p.char(t.text)
	case tCmd:
		return p.command(t.text)
	}
	return "", fmt.Errorf("unexpected token at %d", p.pos)
}

// char renders a plain character, joining letter and digit runs where TeX
// would set them as one word or number.
func (p *mathParser) char(c string) (string, error) {
	r, _ := utf8.DecodeRuneInString(c)
	switch {
	case r >= '0' && r <= '9':
		num := c + p.takeWhile(func(r rune) bool { return r >= '0' && r <= '9' })
		if strings.HasPrefix(p.src[p.pos:], ".") && p.pos+1 < len(p.src) && p.src[p.pos+1] >= '0' && p.src[p.pos+1] <= '9' {
			p.pos++
			num += "." + p.takeWhile(func(r rune) bool { return r >= '0' && r <= '9' })
		}
		return "<mn>" + esc(p.styleRun(num)) + "</mn>", nil
	case unicode.IsLetter(r):
		if p.font == fontRoman {
			word := c + p.takeWhile(func(r rune) bool { return r < 128 && unicode.IsLetter(r) })
			return `<mi mathvariant="normal">` + esc(word) + "</mi>", nil
		}
		return "<mi>" + esc(p.styleRun(c)) + "</mi>", nil
	}
	switch c {
	case "-":
		c = "−"
	case "*":
		c = "∗"
	case "'":
		c = "′"
	case "~":
		return `<mspace width="0.3333em"></mspace>`, nil
	case "&", "#":
		return "", fmt.Errorf("alignment %q is not supported", c)
	}
	return "<mo>" + esc(c) + "</mo>", nil
}

func (p *mathParser) takeWhile(ok func(rune) bool) string {
	start := p.pos
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if !ok(r) {
			break
		}
		p.pos += n
	}
	return p.src[start:p.pos]
}

func (p *mathParser) styleRun(s string) string {
	if p.font == fontNone || p.font == fontRoman {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(styled(r, p.font))
	}
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }

// mathAnnotation is the TeX annotation Math writes (escaped, so it holds no
// '<'), with what precedes it of the element.
var mathAnnotation = regexp.MustCompile(`<math( display="block")?><semantics><mrow>(.*?)</mrow><annotation encoding="application/x-tex">([^<]*)</annotation></semantics></math>`)

// AltText rewrites the <math> elements Math wrote in h to carry their TeX in
// the alttext attribute instead of an annotation: a reader that renders
// MathML shows the symbols, one that reduces HTML to text shows nothing of
// the annotation beside them (newsboat printed "π0\pi_0").
func AltText(h string) string {
	if !strings.Contains(h, "<annotation") {
		return h
	}
	return mathAnnotation.ReplaceAllString(h, `<math alttext="$3"$1><mrow>$2</mrow></math>`)
}
