package bib

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/quire/quire/internal/model"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// arxivFields are where BibTeX files put an arXiv id, in the order they
// are believed: eprint (with archivePrefix arXiv, or an id that can only
// be arXiv's), then the places Zotero, Google Scholar and INSPIRE use.
var arxivFields = []string{"eprint", "arxiv", "arxivid", "doi", "url", "journal", "journaltitle", "number", "note",
	"howpublished", "eid", "publisher", "archiveprefix", "pages", "extra", "annote", "annotation"}

func newBibEntry(typ, key string, line int, f map[string]string) Entry {
	e := Entry{Line: line, Key: key, Type: typ, Title: trimBraces(f["title"]), Year: f["year"], Fields: f}
	if e.Year == "" && len(f["date"]) >= 4 {
		e.Year = f["date"][:4]
	}
	for _, a := range splitAnd(f["author"]) {
		e.Authors = append(e.Authors, strings.Join(strings.Fields(trimBraces(a)), " "))
	}
	e.DOI = normDOI(f["doi"])
	prefix := strings.ToLower(strings.TrimSpace(f["archiveprefix"] + f["eprinttype"]))
	if ep := strings.TrimSpace(f["eprint"]); ep != "" && (prefix == "" || strings.Contains(prefix, "arxiv")) {
		if id, err := model.ParseArxivRef(ep); err == nil {
			e.ArxivID = id
		}
	}
	if e.ArxivID == "" {
		e.ArxivID = findArxiv(f, arxivFields)
	}
	return e
}

// findArxiv looks for an arXiv reference ("arXiv:…", an arxiv.org URL,
// arXiv's DOI, "abs/…") in the fields, in order.
func findArxiv(f map[string]string, fields []string) string {
	for _, name := range fields {
		if v := f[name]; v != "" {
			if id, err := model.ParseArxivRef(v); err == nil && !isBareOnly(v, name) {
				return id
			}
			if m := absRe.FindStringSubmatch(v); m != nil {
				if id, err := model.NormalizeArxivID(m[1]); err == nil {
					return id
				}
			}
		}
	}
	return ""
}

// isBareOnly rejects a bare number ("1405.6903") in a field that holds
// numbers of other kinds (pages, eid, number): only eprint and arxiv fields
// hold bare ids.
func isBareOnly(v, field string) bool {
	if field == "eprint" || field == "arxiv" || field == "arxivid" {
		return false
	}
	if strings.Contains(strings.ToLower(v), "arxiv") {
		return false
	}
	_, err := model.NormalizeArxivID(v)
	return err == nil
}

// absRe is the "abs/2101.06569" that some exports put in a volume field.
var absRe = regexp.MustCompile(`(?i)(?:^|[\s(])abs/(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7})`)

// trimBraces drops the braces that protect a whole value ("{{Title}}").
func trimBraces(s string) string {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}' && balancedInside(s[1:len(s)-1]) {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

func balancedInside(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
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

// splitAnd splits a BibTeX name list at " and " outside braces.
func splitAnd(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth == 0 && i+5 <= len(s) && isSpace(s[i]) && strings.EqualFold(s[i+1:i+4], "and") && isSpace(s[i+4]) {
			out = append(out, s[start:i])
			start = i + 5
			i += 4
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, s[start:])
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
