package bib

import (
	"regexp"
	"strings"
)

var bibStart = regexp.MustCompile(`(?m)^[ \t]*@[A-Za-z]+[ \t]*[{(]`)

// monthMacros are BibTeX's predefined @string macros.
var monthMacros = map[string]string{"jan": "1", "feb": "2", "mar": "3", "apr": "4", "may": "5", "jun": "6",
	"jul": "7", "aug": "8", "sep": "9", "oct": "10", "nov": "11", "dec": "12"}

type bibParser struct {
	b    []byte
	i    int
	line int
	strs map[string]string
	// unclosed is the warning for the entry just read, when its closer was
	// missing.
	unclosed string
}

// ParseBibTeX reads a BibTeX file as BibTeX and biber do: text between
// entries is a comment (as are lines starting with %), @string macros are
// expanded, values are braced, quoted, numbers or macros joined by #.
func ParseBibTeX(b []byte) ([]Entry, error) {
	p := &bibParser{b: b, line: 1, strs: map[string]string{}}
	for k, v := range monthMacros {
		p.strs[k] = v
	}
	var out []Entry
	for p.skipToAt() {
		start := p.line
		p.i++ // the '@'
		typ := strings.ToLower(p.ident())
		p.space()
		if typ == "" || p.i >= len(p.b) || (p.b[p.i] != '{' && p.b[p.i] != '(') {
			continue // an '@' in running text, such as an e-mail address
		}
		closer := byte('}')
		if p.b[p.i] == '(' {
			closer = ')'
		}
		p.i++
		switch typ {
		case "comment", "preamble":
			if err := p.skipGroup(closer, start); err != nil {
				return nil, err
			}
		case "string":
			fields, err := p.fields(closer, start, "@string")
			if err != nil {
				return nil, err
			}
			for k, v := range fields {
				p.strs[k] = v
			}
		default:
			e, err := p.entry(typ, closer, start)
			if err != nil {
				return nil, err
			}
			e.Warning, p.unclosed = p.unclosed, ""
			out = append(out, e)
		}
	}
	return out, nil
}

func (p *bibParser) errorf(line int, format string, args ...any) error {
	return &Error{Format: BibTeX, Line: line, Msg: sprintf(format, args...)}
}

// skipToAt moves to the next '@' outside % comment lines.
func (p *bibParser) skipToAt() bool {
	lineStart := p.i == 0 || p.b[p.i-1] == '\n'
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '\n':
			p.line++
			lineStart = true
		case c == '%' && lineStart:
			for p.i < len(p.b) && p.b[p.i] != '\n' {
				p.i++
			}
			continue
		case c == '@':
			return true
		case c != ' ' && c != '\t' && c != '\r':
			lineStart = false
		}
		p.i++
	}
	return false
}

func (p *bibParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case '\n':
			p.line++
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return
		}
		p.i++
	}
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-:.+/'&!?*<>|[]", c) >= 0
}

func (p *bibParser) ident() string {
	start := p.i
	for p.i < len(p.b) && isIdent(p.b[p.i]) {
		p.i++
	}
	return string(p.b[start:p.i])
}

// skipGroup skips to the closer of an @comment or @preamble.
func (p *bibParser) skipGroup(closer byte, start int) error {
	if _, err := p.braced(closer, start, "@comment"); err != nil {
		return err
	}
	return nil
}

// entry reads "key, field = value, …" up to closer.
func (p *bibParser) entry(typ string, closer byte, start int) (Entry, error) {
	p.space()
	keyStart, keyLine := p.i, p.line
	for p.i < len(p.b) && p.b[p.i] != ',' && p.b[p.i] != closer && p.b[p.i] != '=' && p.b[p.i] != '\n' {
		p.i++
	}
	key := strings.TrimSpace(string(p.b[keyStart:p.i]))
	if p.i < len(p.b) && (p.b[p.i] == '=' || p.b[p.i] == '\n') {
		// No key: the first field starts here ("@misc{title = …").
		if p.b[p.i] == '=' {
			p.i, p.line, key = keyStart, keyLine, ""
		}
	}
	fields, err := p.fields(closer, start, "@"+typ+"{"+key)
	if err != nil {
		return Entry{}, err
	}
	return newBibEntry(typ, key, start, fields), nil
}

// fields reads "name = value" pairs separated by commas, up to closer.
func (p *bibParser) fields(closer byte, start int, what string) (map[string]string, error) {
	fields := map[string]string{}
	for {
		p.space()
		if p.i >= len(p.b) {
			return nil, p.errorf(start, "%s is not closed: the file ends inside it", what)
		}
		switch c := p.b[p.i]; {
		case c == closer:
			p.i++
			return fields, nil
		case c == ',':
			p.i++
			continue
		case c == '@' && p.atLineStart():
			p.unclosed = sprintf("%s (line %d) is not closed before the next entry at line %d; read up to there", what, start, p.line)
			return fields, nil
		}
		nameLine := p.line
		name := strings.ToLower(p.ident())
		if name == "" {
			return nil, p.errorf(p.line, "unexpected %q in %s (line %d): want a field name", p.b[p.i], what, start)
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '=' {
			return nil, p.errorf(nameLine, "field %q of %s has no '='", name, what)
		}
		p.i++
		v, err := p.value(closer, start, what+": field "+name)
		if err != nil {
			return nil, err
		}
		fields[name] = v
	}
}

func (p *bibParser) atLineStart() bool {
	j := p.i - 1
	for j >= 0 && (p.b[j] == ' ' || p.b[j] == '\t') {
		j--
	}
	return j < 0 || p.b[j] == '\n'
}

// value reads pieces joined by '#'.
func (p *bibParser) value(closer byte, start int, what string) (string, error) {
	var sb strings.Builder
	for {
		p.space()
		if p.i >= len(p.b) {
			return "", p.errorf(start, "%s: the file ends before its value", what)
		}
		switch c := p.b[p.i]; {
		case c == '{':
			p.i++
			s, err := p.braced('}', p.line, what)
			if err != nil {
				return "", err
			}
			sb.WriteString(s)
		case c == '"':
			p.i++
			s, err := p.quoted(what)
			if err != nil {
				return "", err
			}
			sb.WriteString(s)
		case c >= '0' && c <= '9':
			sb.WriteString(p.ident())
		case isIdent(c):
			name := p.ident()
			if v, ok := p.strs[strings.ToLower(name)]; ok {
				sb.WriteString(v)
			} else {
				sb.WriteString(name) // an undefined macro (\apj-style journals): keep its name
			}
		default:
			return "", p.errorf(p.line, "%s: unexpected %q where a value starts", what, c)
		}
		if sb.Len() > MaxFieldLen {
			return "", p.errorf(start, "%s is longer than %d bytes", what, MaxFieldLen)
		}
		p.space()
		if p.i < len(p.b) && p.b[p.i] == '#' {
			p.i++
			continue
		}
		if p.i < len(p.b) && p.b[p.i] != ',' && p.b[p.i] != closer && !(p.b[p.i] == '@' && p.atLineStart()) {
			return "", p.errorf(p.line, "%s: expected ',' or the end of the entry after the value, found %q", what, p.b[p.i])
		}
		return sb.String(), nil
	}
}

// braced reads to the brace that closes an opened one, keeping inner
// braces.
func (p *bibParser) braced(closer byte, openLine int, what string) (string, error) {
	return p.delimited(closer, openLine, what, "brace")
}

// quoted reads a "…" value; quotes inside braces do not end it.
func (p *bibParser) quoted(what string) (string, error) {
	return p.delimited('"', p.line, what, "quote")
}

// delimited reads up to closer outside inner braces. A line that starts a
// new entry inside it means the opening brace or quote was not closed.
func (p *bibParser) delimited(closer byte, openLine int, what, kind string) (string, error) {
	start, depth := p.i, 0
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '\\' && p.i+1 < len(p.b):
			if p.b[p.i+1] == '\n' {
				p.line++
			}
			p.i += 2
			continue
		case c == closer && depth <= 0:
			s := string(p.b[start:p.i])
			p.i++
			return s, nil
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == '\n':
			p.line++
			if startsEntry(p.b[p.i+1:]) {
				return "", p.errorf(openLine, "%s: a %s opened here is not closed before the entry at line %d", what, kind, p.line)
			}
		}
		if p.i-start > MaxFieldLen {
			return "", p.errorf(openLine, "%s is longer than %d bytes (is a %s not closed?)", what, MaxFieldLen, kind)
		}
		p.i++
	}
	return "", p.errorf(openLine, "%s: a %s opened here is never closed", what, kind)
}

// startsEntry tells a line that begins a new entry ("@article{").
func startsEntry(rest []byte) bool {
	line := rest[:min(len(rest), 80)]
	if i := strings.IndexByte(string(line), '\n'); i >= 0 {
		line = line[:i]
	}
	return bibStart.Match(line)
}
