package latex

import (
	"fmt"
	"strings"
)

// command renders one math-mode command and its arguments.
func (p *mathParser) command(name string) (string, error) {
	if s, ok := greek[name]; ok {
		return "<mi>" + esc(p.styleRun(s)) + "</mi>", nil
	}
	if s, ok := upright[name]; ok {
		return `<mi mathvariant="normal">` + esc(s) + "</mi>", nil
	}
	if s, ok := operators[name]; ok {
		return "<mo>" + esc(s) + "</mo>", nil
	}
	if functions[name] {
		return `<mi mathvariant="normal">` + esc(name) + "</mi>", nil
	}
	if w, ok := spaces[name]; ok {
		return `<mspace width="` + w + `"></mspace>`, nil
	}
	if f, ok := fontCommands[name]; ok {
		if strings.HasPrefix(name, "text") {
			return p.text(f)
		}
		return p.withFont(f)
	}
	if f, ok := fontSwitches[name]; ok {
		p.font = f // lasts to the end of the enclosing group (seq restores it)
		return "", nil
	}
	if a, ok := accents[name]; ok {
		return p.accent(name, a)
	}
	switch name {
	case "frac", "dfrac", "tfrac", "cfrac":
		return p.fraction("")
	case "binom", "dbinom", "tbinom":
		f, err := p.fraction(` linethickness="0"`)
		return "<mrow><mo>(</mo>" + f + "<mo>)</mo></mrow>", err
	case "sqrt":
		return p.sqrt()
	case "text", "mbox", "hbox", "textnormal", "textup", "textmd":
		return p.text(fontNone)
	case "left":
		return p.fenced()
	case "not":
		return p.negated()
	case "overset", "stackrel", "underset":
		return p.overset(name == "underset")
	case "pmod":
		arg, err := p.argument()
		return `<mrow><mo>(</mo><mi mathvariant="normal">mod</mi>` + row(arg) + "<mo>)</mo></mrow>", err
	}
	if ignored[name] {
		return "", nil
	}
	return "", fmt.Errorf("unknown command \\%s", name)
}

func (p *mathParser) withFont(f font) (string, error) {
	saved := p.font
	p.font = f
	defer func() { p.font = saved }()
	arg, err := p.argument()
	if err != nil {
		return "", err
	}
	return row(arg), nil
}

// text renders \text{…}: plain characters, spaces kept.
func (p *mathParser) text(f font) (string, error) {
	raw, err := p.rawGroup()
	if err != nil {
		return "", err
	}
	if strings.Contains(raw, "$") {
		return "", fmt.Errorf("math inside \\text is not supported")
	}
	if strings.Contains(raw, "\\") {
		raw = Text(raw) // text-mode commands (\\AA, \\"o) as plain text
	}
	raw = strings.NewReplacer("{", "", "}", "", "~", "\u00a0").Replace(raw)
	var b strings.Builder
	for _, r := range raw {
		b.WriteRune(styled(r, f))
	}
	return "<mtext>" + esc(b.String()) + "</mtext>", nil
}

func (p *mathParser) fraction(attrs string) (string, error) {
	num, err := p.argument()
	if err != nil {
		return "", err
	}
	den, err := p.argument()
	if err != nil {
		return "", err
	}
	return "<mfrac" + attrs + ">" + row(num) + row(den) + "</mfrac>", nil
}

func (p *mathParser) sqrt() (string, error) {
	p.skipSpace()
	var index string
	if strings.HasPrefix(p.src[p.pos:], "[") {
		end := strings.IndexByte(p.src[p.pos:], ']')
		if end < 0 {
			return "", fmt.Errorf("missing ']' in \\sqrt")
		}
		sub := &mathParser{src: p.src[p.pos+1 : p.pos+end], depth: p.depth, font: p.font}
		var err error
		if index, err = sub.seq(0); err != nil {
			return "", err
		}
		p.pos += end + 1
	}
	arg, err := p.argument()
	if err != nil {
		return "", err
	}
	if index != "" {
		return "<mroot>" + row(arg) + row(index) + "</mroot>", nil
	}
	return "<msqrt>" + arg + "</msqrt>", nil
}

func (p *mathParser) accent(name, mark string) (string, error) {
	arg, err := p.argument()
	if err != nil {
		return "", err
	}
	switch name {
	case "underline", "underbrace":
		return `<munder accentunder="true">` + row(arg) + `<mo stretchy="true">` + esc(mark) + "</mo></munder>", nil
	}
	stretchy := "false"
	if strings.HasPrefix(name, "wide") || strings.HasPrefix(name, "over") {
		stretchy = "true"
	}
	return `<mover accent="true">` + row(arg) + `<mo stretchy="` + stretchy + `">` + esc(mark) + "</mo></mover>", nil
}

// delimiter reads the token after \left, \right or \big: a character or a
// delimiter command; "." is the empty delimiter.
func (p *mathParser) delimiter() (string, error) {
	t := p.next()
	switch t.kind {
	case tChar:
		if t.text == "." {
			return "", nil
		}
		return t.text, nil
	case tCmd:
		if s, ok := operators[t.text]; ok {
			return s, nil
		}
	}
	return "", fmt.Errorf("bad delimiter after \\left/\\right")
}

func (p *mathParser) fenced() (string, error) {
	open, err := p.delimiter()
	if err != nil {
		return "", err
	}
	body, err := p.seq(tCmd)
	if err != nil {
		return "", err
	}
	if t := p.next(); t.kind != tCmd || t.text != "right" {
		return "", fmt.Errorf("\\left without \\right")
	}
	closing, err := p.delimiter()
	if err != nil {
		return "", err
	}
	fence := func(d string) string {
		if d == "" {
			return ""
		}
		return `<mo fence="true" stretchy="true">` + esc(d) + "</mo>"
	}
	return "<mrow>" + fence(open) + body + fence(closing) + "</mrow>", nil
}

// negated renders \not followed by a relation, with a combining long
// solidus, or the precomposed symbol where Unicode has one.
func (p *mathParser) negated() (string, error) {
	next, err := p.atom()
	if err != nil {
		return "", err
	}
	inner, ok := strings.CutPrefix(next, "<mo>")
	if inner, ok2 := strings.CutSuffix(inner, "</mo>"); ok && ok2 {
		switch inner {
		case "=":
			return "<mo>≠</mo>", nil
		case "∈":
			return "<mo>∉</mo>", nil
		case "≡":
			return "<mo>≢</mo>", nil
		}
		return "<mo>" + inner + "\u0338</mo>", nil
	}
	return "", fmt.Errorf("\\not before a non-relation")
}

func (p *mathParser) overset(under bool) (string, error) {
	top, err := p.argument()
	if err != nil {
		return "", err
	}
	base, err := p.argument()
	if err != nil {
		return "", err
	}
	if under {
		return "<munder>" + row(base) + row(top) + "</munder>", nil
	}
	return "<mover>" + row(base) + row(top) + "</mover>", nil
}
