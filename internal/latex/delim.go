package latex

import (
	"html"
	"regexp"
	"strings"
)

// dollar handles a '$': display math ($$…$$), inline math ($…$), or a plain
// dollar sign. Abstracts often mean money ("costs $25 and $0.34"), so a span
// counts as math only by pandoc's rule (no space inside the delimiters, no
// digit right after the closing one) and when it does not read as prose.
func (r *renderer) dollar() {
	if strings.HasPrefix(r.src[r.pos:], "$$") {
		if r.delimitedMath("$$", "$$", true) {
			return
		}
		r.pos += 2
		r.emit("$$")
		return
	}
	body, end, ok := inlineSpan(r.src, r.pos)
	if !ok || looksLikeProse(body) {
		r.pos++
		r.emit("$")
		return
	}
	r.math(r.src[r.pos:end], body, false)
	r.pos = end
}

// inlineSpan finds the $…$ span opening at start; end is past the closing $.
func inlineSpan(src string, start int) (body string, end int, ok bool) {
	i := start + 1
	if i >= len(src) || src[i] == ' ' || src[i] == '\n' || src[i] == '\t' || src[i] == '$' {
		return "", 0, false
	}
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '$':
			prev := src[j-1]
			if prev == ' ' || prev == '\n' || prev == '\t' {
				continue
			}
			if j+1 < len(src) && src[j+1] >= '0' && src[j+1] <= '9' {
				continue
			}
			return src[i:j], j + 1, true
		}
	}
	return "", 0, false
}

var (
	commandWithArg = regexp.MustCompile(`\\[a-zA-Z]+\{[^{}]*\}`)
	command        = regexp.MustCompile(`\\[a-zA-Z]+`)
	twoWords       = regexp.MustCompile(`[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}`)
)

// looksLikeProse reports a "math" span that is really text between two
// dollar signs: two words in a row outside any command argument.
func looksLikeProse(body string) bool {
	s := commandWithArg.ReplaceAllString(body, " ")
	s = command.ReplaceAllString(s, " ")
	return twoWords.MatchString(s)
}

// delimitedMath renders math between open and closing delimiters at r.pos,
// reporting false when there is no closing delimiter.
func (r *renderer) delimitedMath(open, closing string, display bool) bool {
	start := r.pos + len(open)
	end := strings.Index(r.src[start:], closing)
	if end < 0 {
		return false
	}
	body := r.src[start : start+end]
	if strings.TrimSpace(body) == "" {
		return false
	}
	stop := start + end + len(closing)
	r.math(r.src[r.pos:stop], body, display)
	r.pos = stop
	return true
}

func (r *renderer) math(source, body string, display bool) {
	if r.plain {
		r.emit(html.EscapeString(plainMath(body)))
		return
	}
	m, err := Math(body, display)
	if err != nil {
		r.fallback(source)
		return
	}
	r.emit(m)
}

// link writes an <a> for an http(s) URL; other schemes are shown as text.
func (r *renderer) link(u, text string) {
	u = strings.TrimSpace(u)
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		r.emit(html.EscapeString(u))
		return
	}
	label := html.EscapeString(u)
	if text != "" {
		sub := &renderer{src: text}
		sub.run()
		label = sub.out.String()
	}
	r.emit(`<a href="` + html.EscapeString(u) + `" rel="nofollow noopener">` + label + "</a>")
}

// takeURL reads a bare URL at r.pos, leaving trailing punctuation and an
// unbalanced closing parenthesis to the text.
func (r *renderer) takeURL() string {
	start := r.pos
	end := start
	for end < len(r.src) {
		c := r.src[end]
		if c <= ' ' || c == '"' || c == '<' || c == '>' || c == '{' || c == '}' || c == '\\' || c >= 0x80 {
			break
		}
		end++
	}
	u := r.src[start:end]
	for len(u) > 0 {
		last := u[len(u)-1]
		if strings.IndexByte(".,;:!?'", last) >= 0 ||
			(last == ')' && strings.Count(u, "(") < strings.Count(u, ")")) ||
			(last == ']' && strings.Count(u, "[") < strings.Count(u, "]")) {
			u = u[:len(u)-1]
			continue
		}
		break
	}
	r.pos = start + len(u)
	return u
}

// groupEnd returns the index just past the '}' that closes the '{' at
// src[open], skipping escaped braces, or -1 when it is never closed.
func groupEnd(src string, open int) int {
	depth := 0
	for j := open; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}

// isMathCommand reports commands that only make sense in math, so that
// finding one in text means math written without dollars.
func isMathCommand(name string) bool {
	if name == "" || !isASCIILetter(name[0]) {
		return false
	}
	_, g := greek[name]
	_, u := upright[name]
	_, o := operators[name]
	_, a := accents[name]
	f, isFont := fontCommands[name]
	return g || u || o || a || (isFont && f != fontNone && strings.HasPrefix(name, "math")) ||
		name == "frac" || name == "sqrt" || functions[name] && name != "deg"
}

// mathRunEnd returns where math written without dollars ends: after the
// command's {…} arguments and any ^/_ scripts that follow.
func mathRunEnd(src string, pos int) int {
	skipGroup := func(i int) int {
		if end := groupEnd(src, i); end > 0 {
			return end
		}
		return i
	}
	for pos < len(src) {
		switch c := src[pos]; {
		case c == '{':
			end := skipGroup(pos)
			if end == pos {
				return pos
			}
			pos = end
		case (c == '_' || c == '^') && pos+1 < len(src):
			switch n := src[pos+1]; {
			case n == '{':
				end := skipGroup(pos + 1)
				if end == pos+1 {
					return pos
				}
				pos = end
			case n == '\\':
				j := pos + 2
				for j < len(src) && isASCIILetter(src[j]) {
					j++
				}
				pos = j
			case n < 0x80 && n > ' ':
				pos += 2
			default:
				return pos
			}
		default:
			return pos
		}
	}
	return pos
}

var mathCommandRe = regexp.MustCompile(`\\([a-zA-Z]+|.)`)

// plainMath is a readable plain-text form of a math fragment: symbols as
// Unicode, structure commands and braces dropped ("\\pi_0" → "π_0").
func plainMath(body string) string {
	s := mathCommandRe.ReplaceAllStringFunc(body, func(c string) string {
		name := c[1:]
		for _, t := range []map[string]string{greek, upright, operators} {
			if v, ok := t[name]; ok {
				return v
			}
		}
		if functions[name] {
			return name + " "
		}
		if _, ok := spaces[name]; ok {
			return " "
		}
		if isASCIILetter(name[0]) {
			return "" // \frac, \mathbb, \text …: keep only their arguments
		}
		return name
	})
	s = strings.NewReplacer("{", "", "}", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
