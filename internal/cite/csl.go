package cite

import (
	"encoding/json"
	"io"

	"github.com/quire/quire/internal/model"
)

// CSLItem is one CSL-JSON item (citeproc's input, Zotero's and pandoc's
// exchange form), for a preprint: type "article", arXiv as publisher and
// the id as number, as Zotero writes it.
type CSLItem struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	Author    []CSLName `json:"author,omitempty"`
	Issued    *CSLDate  `json:"issued,omitempty"`
	Abstract  string    `json:"abstract,omitempty"`
	Publisher string    `json:"publisher"`
	Number    string    `json:"number"`
	DOI       string    `json:"DOI,omitempty"`
	URL       string    `json:"URL"`
	Note      string    `json:"note,omitempty"`
}

// CSLName is a CSL name: family and given, or literal.
type CSLName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Suffix  string `json:"suffix,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// CSLDate is a CSL date as date-parts.
type CSLDate struct {
	DateParts [][]int `json:"date-parts"`
}

// NewCSLItem converts a paper, with key as its id.
func NewCSLItem(p *model.Paper, key string) CSLItem {
	it := CSLItem{ID: key, Type: "article", Title: risValue(p.Title), Abstract: risValue(p.Summary),
		Publisher: "arXiv", Number: "arXiv:" + p.ID, URL: AbsURL(p), DOI: p.DOI}
	if it.DOI == "" {
		it.DOI = ArxivDOI(p)
	}
	for _, a := range p.Authors {
		n := SplitName(a.Name)
		if n == (Name{}) {
			continue
		}
		it.Author = append(it.Author, CSLName{Family: n.Family, Given: n.Given, Suffix: n.Suffix, Literal: n.Literal})
	}
	if t := p.PublishedAt; !t.IsZero() {
		it.Issued = &CSLDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
	}
	if p.JournalRef != "" {
		it.Note = "Published in " + risValue(p.JournalRef)
	}
	return it
}

// WriteCSL writes papers as a CSL-JSON array.
func WriteCSL(w io.Writer, ps []*model.Paper) error {
	var keys Keys
	items := make([]CSLItem, len(ps))
	for i, p := range ps {
		items[i] = NewCSLItem(p, keys.Key(p))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(items)
}
