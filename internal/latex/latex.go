// Package latex renders the TeX found in paper titles and abstracts to HTML
// on the server: math to MathML (which Chromium, Firefox and Safari draw
// natively, with no script and no web font), text-mode commands (\emph,
// accents, \%) to HTML and Unicode. It covers what abstracts use and, for
// anything else, shows the escaped source and reports the fragment, so that
// coverage can be measured.
package latex

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Result is rendered HTML plus the source fragments that fell back to
// escaped text.
type Result struct {
	HTML      string
	Fallbacks []string
}

// Inline renders src as inline HTML (white space collapsed), for titles.
func Inline(src string) Result {
	r := &renderer{src: src}
	r.run()
	return Result{HTML: strings.TrimSpace(r.out.String()), Fallbacks: r.fallbacks}
}

var paragraphBreak = regexp.MustCompile(`\n[ \t]*\n\s*`)

// Block renders src as paragraphs (<p>…</p>), split at blank lines, for
// abstracts.
func Block(src string) Result {
	var res Result
	var b strings.Builder
	for _, para := range paragraphBreak.Split(strings.TrimSpace(src), -1) {
		r := Inline(para)
		if r.HTML == "" {
			continue
		}
		b.WriteString("<p>" + r.HTML + "</p>")
		res.Fallbacks = append(res.Fallbacks, r.Fallbacks...)
	}
	res.HTML = b.String()
	return res
}

type renderer struct {
	src       string
	pos       int
	out       strings.Builder
	fallbacks []string
	groups    [][]string // closing tags opened by font switches, per { group
	space     bool       // a space is pending (collapsed white space)
	plain     bool       // render math as plain text (for Text)
	// groupStart: nothing written since an argument group opened, so a
	// space there is dropped, as at the start of the text.
	groupStart bool

	opens, ends []int32 // each '{' of src and the index past its '}' (-1: never closed), built once
	braces      bool
}

// textStyles are argument-taking text commands and the HTML they become.
var textStyles = map[string][2]string{
	"textbf": {"<b>", "</b>"}, "textit": {"<i>", "</i>"}, "emph": {"<em>", "</em>"},
	"textsl": {"<i>", "</i>"}, "texttt": {"<code>", "</code>"}, "textsc": {`<span class="sc">`, "</span>"},
	"underline": {"<u>", "</u>"}, "textrm": {"", ""}, "textsf": {"", ""}, "textup": {"", ""},
	"textnormal": {"", ""}, "mbox": {"", ""}, "text": {"", ""}, "textmd": {"", ""},
	"mathrm": {"", ""}, "mathbf": {"<b>", "</b>"}, "mathit": {"<i>", "</i>"},
}

// textSwitches are old-style font declarations: {\it …}.
var textSwitches = map[string][2]string{
	"it": {"<i>", "</i>"}, "em": {"<em>", "</em>"}, "sl": {"<i>", "</i>"}, "bf": {"<b>", "</b>"},
	"tt": {"<code>", "</code>"}, "sc": {`<span class="sc">`, "</span>"}, "rm": {"", ""}, "sf": {"", ""},
	"normalfont": {"", ""}, "small": {"", ""}, "large": {"", ""}, "footnotesize": {"", ""},
}

func (r *renderer) run() {
	for r.pos < len(r.src) {
		c := r.src[r.pos]
		switch {
		case c == '\\':
			r.backslash()
		case c == '$':
			r.dollar()
		case c == '{':
			r.pos++
			r.groups = append(r.groups, nil)
		case c == '}':
			r.pos++
			r.closeGroup()
		case c == 'h' && (strings.HasPrefix(r.src[r.pos:], "https://") || strings.HasPrefix(r.src[r.pos:], "http://")) && r.wordStart():
			r.link(r.takeURL(), "")
		default:
			ch, n := utf8.DecodeRuneInString(r.src[r.pos:])
			r.pos += n
			if unicode.IsSpace(ch) {
				r.space = true
				continue
			}
			r.emit(html.EscapeString(string(ch)))
		}
	}
	for len(r.groups) > 0 {
		r.closeGroup()
	}
}

// emit writes HTML, first flushing a pending collapsed space.
func (r *renderer) emit(s string) {
	if s == "" {
		return
	}
	if r.space && r.out.Len() > 0 && !r.groupStart {
		r.out.WriteByte(' ')
	}
	r.space, r.groupStart = false, false
	r.out.WriteString(s)
}

// groupEnd returns the index just past the '}' that closes the '{' at
// src[open], skipping escaped braces, or -1 when it is never closed. The
// braces are matched once for the whole text (one pass with a stack), so
// asking at every level of a deep nesting stays linear.
func (r *renderer) groupEnd(open int) int {
	if !r.braces {
		r.braces = true
		var stack []int
		for j := 0; j < len(r.src); j++ {
			switch r.src[j] {
			case '\\':
				j++
			case '{':
				stack = append(stack, len(r.opens))
				r.opens, r.ends = append(r.opens, int32(j)), append(r.ends, -1)
			case '}':
				if n := len(stack); n > 0 {
					r.ends[stack[n-1]] = int32(j + 1)
					stack = stack[:n-1]
				}
			}
		}
	}
	k, found := slices.BinarySearch(r.opens, int32(open))
	if !found {
		return groupEnd(r.src, open)
	}
	return int(r.ends[k])
}

func (r *renderer) closeGroup() {
	if len(r.groups) == 0 {
		return // a stray '}' is dropped, as TeX would complain and go on
	}
	top := r.groups[len(r.groups)-1]
	r.groups = r.groups[:len(r.groups)-1]
	for i := len(top) - 1; i >= 0; i-- {
		r.out.WriteString(top[i])
	}
}

func (r *renderer) wordStart() bool {
	if r.pos == 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(r.src[:r.pos])
	return !unicode.IsLetter(prev) && !unicode.IsDigit(prev)
}

func (r *renderer) fallback(src string) {
	r.fallbacks = append(r.fallbacks, src)
	r.emit(html.EscapeString(src))
}

// commandName reads the name after a backslash at r.pos.
func (r *renderer) commandName() string {
	start := r.pos + 1
	end := start
	for end < len(r.src) && isASCIILetter(r.src[end]) {
		end++
	}
	if end == start && end < len(r.src) {
		_, n := utf8.DecodeRuneInString(r.src[end:])
		end += n
	}
	r.pos = end
	return r.src[start:end]
}

func (r *renderer) backslash() {
	start := r.pos
	switch {
	case strings.HasPrefix(r.src[r.pos:], `\(`):
		if r.delimitedMath(`\(`, `\)`, false) {
			return
		}
	case strings.HasPrefix(r.src[r.pos:], `\[`):
		if r.delimitedMath(`\[`, `\]`, true) {
			return
		}
	}
	name := r.commandName()
	if mark, ok := textAccents[name]; ok {
		if base, ok := r.accentBase(len(name) == 1 && isASCIILetter(name[0])); ok {
			r.emit(html.EscapeString(norm.NFC.String(base + string(mark))))
			return
		}
	}
	if s, ok := textSymbols[name]; ok {
		if isASCIILetter(name[0]) {
			r.skipEmptyGroup()
		}
		r.emit(html.EscapeString(s))
		return
	}
	if tags, ok := textStyles[name]; ok && r.openGroup(tags[0], tags[1]) {
		return
	}
	if tags, ok := textSwitches[name]; ok && len(r.groups) > 0 {
		r.skipSpaces() // TeX ignores spaces after a control word
		r.emit(tags[0])
		r.groups[len(r.groups)-1] = append(r.groups[len(r.groups)-1], tags[1])
		return
	}
	switch name {
	case "url":
		if u, ok := r.group(); ok {
			r.link(u, "")
			return
		}
	case "href":
		if u, ok := r.group(); ok {
			if text, ok := r.group(); ok {
				r.link(u, text)
				return
			}
		}
	case "cite", "citep", "citet", "citealp", "ref", "eqref", "autoref", "cref", "Cref":
		if arg, ok := r.group(); ok {
			r.emit("[" + html.EscapeString(arg) + "]")
			return
		}
	case "label":
		if _, ok := r.group(); ok {
			return
		}
	case "footnote":
		if r.openGroup(" (", ")") {
			return
		}
	}
	// Math written without dollars ("\pi_0", "\mathring{A}", "2.3\times").
	if isMathCommand(name) {
		end := mathRunEnd(r.src, r.pos)
		r.pos = end
		r.math(r.src[start:end], r.src[start:end], false)
		return
	}
	r.fallback(r.src[start:r.pos])
}

// openGroup starts a {…} argument wrapped in two pieces of HTML: open is
// written now and closing when the group ends, as font switches do. The
// argument is rendered in the same pass, not by a nested renderer, so
// nesting costs nothing (40,000 nested \textbf{ were quadratic that way).
// It reports false, consuming nothing, when no closed group follows.
func (r *renderer) openGroup(open, closing string) bool {
	i := r.pos
	for i < len(r.src) && (r.src[i] == ' ' || r.src[i] == '\n') {
		i++
	}
	if i >= len(r.src) || r.src[i] != '{' || r.groupEnd(i) < 0 {
		return false
	}
	r.emit(open)
	r.pos = i + 1
	r.groups = append(r.groups, []string{closing})
	r.groupStart = true
	return true
}

func (r *renderer) skipSpaces() {
	for r.pos < len(r.src) && (r.src[r.pos] == ' ' || r.src[r.pos] == '\n') {
		r.pos++
	}
}

func (r *renderer) skipEmptyGroup() {
	if strings.HasPrefix(r.src[r.pos:], "{}") {
		r.pos += 2
	}
}

// group reads a {…} argument (after optional spaces) and returns its text.
func (r *renderer) group() (string, bool) {
	i := r.pos
	for i < len(r.src) && (r.src[i] == ' ' || r.src[i] == '\n') {
		i++
	}
	if i >= len(r.src) || r.src[i] != '{' {
		return "", false
	}
	end := r.groupEnd(i)
	if end < 0 {
		return "", false
	}
	r.pos = end
	return r.src[i+1 : end-1], true
}

// accentBase reads the letter an accent applies to: {e}, {\i}, e, or for
// letter-named accents (\c c) the letter after a space.
func (r *renderer) accentBase(letterNamed bool) (string, bool) {
	save := r.pos
	if g, ok := r.group(); ok {
		switch g {
		case `\i`:
			return "i", true
		case `\j`:
			return "j", true
		}
		if utf8.RuneCountInString(g) == 1 {
			return g, true
		}
		r.pos = save
		return "", false
	}
	i := r.pos
	if letterNamed {
		if i >= len(r.src) || r.src[i] != ' ' {
			return "", false
		}
		for i < len(r.src) && r.src[i] == ' ' {
			i++
		}
	}
	if strings.HasPrefix(r.src[i:], `\i`) && (i+2 == len(r.src) || !isASCIILetter(r.src[i+2])) {
		r.pos = i + 2
		return "i", true
	}
	ch, n := utf8.DecodeRuneInString(r.src[i:])
	if n == 0 || !unicode.IsLetter(ch) {
		return "", false
	}
	r.pos = i + n
	return string(ch), true
}

var (
	tagRe = regexp.MustCompile(`<[^>]*>`)
)

// Text renders src as plain text (math as its symbols, e.g. "π0"), for
// places that cannot hold markup: <title>, feed titles, e-mail subjects.
func Text(src string) string {
	r := &renderer{src: src, plain: true}
	r.run()
	return strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(r.out.String(), "")))
}
