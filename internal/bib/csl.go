package bib

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// cslItem is what the importer reads of a CSL-JSON item.
type cslItem struct {
	ID             any       `json:"id"`
	Type           string    `json:"type"`
	Title          string    `json:"title"`
	Author         []cslName `json:"author"`
	Issued         *cslDate  `json:"issued"`
	DOI            string    `json:"DOI"`
	URL            string    `json:"URL"`
	Number         any       `json:"number"`
	ContainerTitle string    `json:"container-title"`
	Publisher      string    `json:"publisher"`
	Note           string    `json:"note"`
	Archive        string    `json:"archive"`
	ArchiveID      string    `json:"archive_id"`
}

type cslName struct {
	Family  string `json:"family"`
	Given   string `json:"given"`
	Literal string `json:"literal"`
}

type cslDate struct {
	DateParts [][]any `json:"date-parts"`
	Raw       string  `json:"raw"`
}

// ParseCSL reads a CSL-JSON array of items (or one item).
func ParseCSL(b []byte) ([]Entry, error) {
	trimmed := bytes.TrimSpace(b)
	var items []json.RawMessage
	if len(trimmed) > 0 && trimmed[0] == '{' {
		items = []json.RawMessage{trimmed}
	} else if err := json.Unmarshal(b, &items); err != nil {
		return nil, jsonError(b, err)
	}
	offsets := itemLines(b)
	out := make([]Entry, 0, len(items))
	for i, raw := range items {
		var it cslItem
		if err := json.Unmarshal(raw, &it); err != nil {
			line := 1
			if i < len(offsets) {
				line = offsets[i]
			}
			return nil, &Error{Format: CSL, Line: line, Msg: sprintf("item %d: %v", i+1, err)}
		}
		e := Entry{Line: 1, Key: fmt.Sprint(orEmpty(it.ID)), Type: it.Type, Title: it.Title, DOI: normDOI(it.DOI),
			Fields: map[string]string{"url": it.URL, "note": it.Note, "number": fmt.Sprint(orEmpty(it.Number)),
				"container-title": it.ContainerTitle, "publisher": it.Publisher, "archive_id": it.ArchiveID}}
		if i < len(offsets) {
			e.Line = offsets[i]
		}
		for _, n := range it.Author {
			name := strings.TrimSpace(n.Given + " " + n.Family)
			if n.Literal != "" {
				name = n.Literal
			}
			e.Authors = append(e.Authors, name)
		}
		if it.Issued != nil && len(it.Issued.DateParts) > 0 && len(it.Issued.DateParts[0]) > 0 {
			e.Year = fmt.Sprint(it.Issued.DateParts[0][0])
		} else if it.Issued != nil && len(it.Issued.Raw) >= 4 {
			e.Year = it.Issued.Raw[:4]
		}
		e.ArxivID = cslArxiv(it, e)
		out = append(out, e)
	}
	return out, nil
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// cslArxiv finds an arXiv id: in the DOI, the URL, the note's standard_id
// (Manubot), or the number of an item whose container or publisher is
// arXiv (Zotero and Manubot write preprints so).
func cslArxiv(it cslItem, e Entry) string {
	if id := findArxiv(map[string]string{"doi": it.DOI, "url": it.URL, "archive_id": it.ArchiveID}, []string{"doi", "url", "archive_id"}); id != "" {
		return id
	}
	arxivish := strings.EqualFold(it.ContainerTitle, "arxiv") || strings.EqualFold(it.Publisher, "arxiv") || strings.EqualFold(it.Archive, "arxiv")
	if arxivish {
		if id := findArxiv(map[string]string{"eprint": e.Fields["number"]}, []string{"eprint"}); id != "" {
			return id
		}
	}
	return findArxiv(map[string]string{"note": it.Note}, []string{"note"})
}

// jsonError turns a JSON syntax error's offset into a line.
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &Error{Format: CSL, Line: 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n")), Msg: se.Error()}
	case errors.As(err, &te):
		return &Error{Format: CSL, Line: 1 + bytes.Count(b[:min(int(te.Offset), len(b))], []byte("\n")),
			Msg: "want an array of CSL-JSON items: " + te.Error()}
	}
	return &Error{Format: CSL, Line: 1, Msg: err.Error()}
}

// itemLines returns the line where each top-level item of a JSON array
// starts.
func itemLines(b []byte) []int {
	var out []int
	depth, line, inStr, esc := 0, 1, false, false
	for _, c := range b {
		switch {
		case c == '\n':
			line++
		case inStr:
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			if depth == 1 && c == '{' {
				out = append(out, line)
			}
			depth++
		case c == ']' || c == '}':
			depth--
		}
	}
	return out
}
