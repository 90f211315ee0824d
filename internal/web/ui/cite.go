package ui

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/quire/quire/internal/cite"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/response"
)

// citeFormat is one citation format served at a path suffix.
type citeFormat struct {
	Suffix, Type, Name string
	Write              func(io.Writer, []*model.Paper) error
}

// citeFormats are served at /papers/{id}.bib … and /u/{name}/c/{slug}.bib ….
var citeFormats = []citeFormat{
	{".bib", "application/x-bibtex; charset=utf-8", "BibTeX", cite.WriteBibTeX},
	{".ris", "application/x-research-info-systems; charset=utf-8", "RIS", cite.WriteRIS},
	{".csl.json", "application/vnd.citationstyles.csl+json; charset=utf-8", "CSL-JSON", cite.WriteCSL},
}

// splitCite splits a citation suffix off a path element: "2608.05987.bib"
// is the paper and BibTeX.
func splitCite(s string) (string, *citeFormat) {
	for i := range citeFormats {
		if f := &citeFormats[i]; strings.HasSuffix(s, f.Suffix) && len(s) > len(f.Suffix) {
			return strings.TrimSuffix(s, f.Suffix), f
		}
	}
	return s, nil
}

// writeCitations answers with the papers in format f, as a file named name
// that a browser shows (inline) and a reference manager imports.
func (h *Handler) writeCitations(w http.ResponseWriter, r *http.Request, ps []*model.Paper, f *citeFormat, name string) {
	var buf bytes.Buffer
	if err := f.Write(&buf, ps); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `inline; filename="`+strings.NewReplacer(`"`, "", "/", "_", "\\", "_").Replace(name)+f.Suffix+`"`)
	response.Bytes(w, http.StatusOK, f.Type, buf.Bytes())
}

// citation is what the Cite box of a paper page shows.
type citation struct {
	Name, Href string
	Text       string
}

func citations(p *model.Paper) []citation {
	out := make([]citation, len(citeFormats))
	for i, f := range citeFormats {
		var buf bytes.Buffer
		_ = f.Write(&buf, []*model.Paper{p}) // writing to memory cannot fail
		out[i] = citation{Name: f.Name, Href: "/papers/" + p.ID + f.Suffix, Text: buf.String()}
	}
	return out
}

// highwire are the citation_* meta tags that Zotero's connector and Google
// Scholar read from a paper page, one citation_author per author in order.
func highwire(p *model.Paper) []metaTag {
	tags := []metaTag{{"citation_title", p.Title}}
	for _, a := range p.Authors {
		if !a.Hidden {
			tags = append(tags, metaTag{"citation_author", a.Name})
		}
	}
	if !p.PublishedAt.IsZero() {
		tags = append(tags, metaTag{"citation_date", p.PublishedAt.Format("2006/01/02")},
			metaTag{"citation_online_date", p.PublishedAt.Format("2006/01/02")})
	}
	tags = append(tags, metaTag{"citation_arxiv_id", p.ID}, metaTag{"citation_pdf_url", cite.PDFURL(p)},
		metaTag{"citation_abstract_html_url", cite.AbsURL(p)}, metaTag{"citation_publisher", "arXiv"})
	if p.DOI != "" {
		tags = append(tags, metaTag{"citation_doi", p.DOI})
	}
	if p.Summary != "" {
		tags = append(tags, metaTag{"citation_abstract", p.Summary})
	}
	// Highwire has no tag for a preprint, so Zotero would guess a journal
	// article; its RDF reader takes a Dublin Core type that names one of
	// its item types as that type.
	return append(tags, metaTag{"DC.type", "preprint"})
}

type metaTag struct{ Name, Content string }
