// Package bib reads the bibliography files people bring: BibTeX, RIS,
// CSL-JSON and plain lists of arXiv ids, URLs or DOIs. Each parser turns a
// file into entries that keep their line and the fields that identify a
// paper (an arXiv id in any of the forms real files use, a DOI, a title).
// A file that does not parse is an error that names its line; nothing of
// it is returned then.
package bib

import (
	"bytes"
	"fmt"
	"strings"
)

// Entry is one reference of a file.
type Entry struct {
	Line    int    // where the entry starts, 1-based
	Key     string // citation key (BibTeX), id (CSL-JSON); may be empty
	Type    string // article, misc, JOUR …, as the file says
	Title   string // as written (TeX and all)
	Authors []string
	Year    string
	ArxivID string // bare id, "" when the entry names none
	DOI     string // lower case, without a resolver prefix
	Fields  map[string]string
	// Warning says what was wrong with an entry that could still be read
	// (one whose closing brace is missing before the next entry, which
	// BibTeX itself reads past).
	Warning string
}

// Formats that Parse reads.
const (
	BibTeX = "bibtex"
	RIS    = "ris"
	CSL    = "csl"
	IDs    = "ids"
)

// MaxFieldLen bounds one value: real abstracts are a few KB; a megabyte in
// one field is a broken or hostile file.
const MaxFieldLen = 1 << 20

// Error is a parse error at a line.
type Error struct {
	Format string
	Line   int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: line %d: %s", e.Format, e.Line, e.Msg) }

// Detect guesses a file's format from its first bytes.
func Detect(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	head := b[:min(len(b), 64<<10)]
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{'):
		return CSL
	case risStart.Match(head):
		return RIS
	case bibStart.Match(head):
		return BibTeX
	}
	return IDs
}

// Parse reads b in format ("" to detect it).
func Parse(b []byte, format string) ([]Entry, string, error) {
	if format == "" {
		format = Detect(b)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var es []Entry
	var err error
	switch format {
	case BibTeX:
		es, err = ParseBibTeX(b)
	case RIS:
		es, err = ParseRIS(b)
	case CSL:
		es, err = ParseCSL(b)
	case IDs:
		es, err = ParseIDs(b)
	default:
		return nil, format, fmt.Errorf("unknown format %q: want bibtex, ris, csl or ids", format)
	}
	return es, format, err
}

// normDOI strips resolver prefixes and lower-cases a DOI; "" when s is not
// one.
func normDOI(s string) string {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	for _, p := range []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi.org/", "doi:"} {
		if strings.HasPrefix(low, p) {
			low = strings.TrimSpace(low[len(p):])
			break
		}
	}
	if !strings.HasPrefix(low, "10.") || !strings.Contains(low, "/") || strings.ContainsAny(low, " \t\n") {
		return ""
	}
	return strings.TrimRight(low, ".,;")
}
