package bib

import (
	"bytes"
	"strings"

	"github.com/quire/quire/internal/model"
)

// ParseIDs reads a plain list: arXiv ids, arXiv URLs or DOIs (or doi.org
// URLs), separated by lines, spaces or commas; # starts a comment.
func ParseIDs(b []byte) ([]Entry, error) {
	var out []Entry
	for n, raw := range bytes.Split(b, []byte("\n")) {
		line := string(raw)
		if i := strings.Index(line, "#"); i >= 0 && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
		}
		for _, tok := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\r' }) {
			e := Entry{Line: n + 1, Key: tok, Fields: map[string]string{}}
			if id, err := model.ParseArxivRef(tok); err == nil {
				e.ArxivID = id
			} else if doi := normDOI(tok); doi != "" {
				e.DOI = doi
			} else {
				return nil, &Error{Format: IDs, Line: n + 1, Msg: sprintf("%q is not an arXiv id, arXiv URL or DOI", short(tok))}
			}
			out = append(out, e)
		}
	}
	return out, nil
}
