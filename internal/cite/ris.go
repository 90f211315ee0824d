package cite

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/quire/quire/internal/model"
)

// ArxivDOI is the DOI arXiv registers for every paper.
func ArxivDOI(p *model.Paper) string { return "10.48550/arXiv." + p.ID }

// WriteRIS writes papers as RIS records of type UNPB (an unpublished work,
// which is what reference managers make of a preprint), one AU line per
// author in order, with the abstract, the arXiv URL and a DOI (the
// journal's where known, else arXiv's own).
func WriteRIS(w io.Writer, ps []*model.Paper) error {
	b := bufio.NewWriterSize(w, 64<<10)
	for _, p := range ps {
		tag := func(t, v string) {
			if v = risValue(v); v != "" {
				fmt.Fprintf(b, "%s  - %s\r\n", t, v)
			}
		}
		tag("TY", "UNPB")
		tag("TI", p.Title)
		for _, a := range p.Authors {
			tag("AU", risName(a.Name))
		}
		if !p.PublishedAt.IsZero() {
			tag("PY", p.PublishedAt.Format("2006"))
			tag("DA", p.PublishedAt.Format("2006/01/02"))
		}
		tag("AB", p.Summary)
		tag("PB", "arXiv")
		tag("DB", "arXiv.org")
		tag("AN", "arXiv:"+p.ID)
		tag("M1", "arXiv:"+p.ID)
		for _, c := range p.Categories {
			tag("KW", c)
		}
		doi := p.DOI
		if doi == "" {
			doi = ArxivDOI(p)
		}
		tag("DO", doi)
		tag("UR", AbsURL(p))
		tag("L1", PDFURL(p))
		tag("N1", p.Comments)
		b.WriteString("ER  - \r\n\r\n")
	}
	return b.Flush()
}

// risValue puts a value on one line: RIS has a tag on every line.
func risValue(s string) string { return strings.Join(strings.Fields(s), " ") }

// risName is "Family, Given[, Suffix]", RIS's form.
func risName(full string) string {
	n := SplitName(full)
	switch {
	case n.Literal != "":
		return n.Literal
	case n.Given == "":
		return n.Family
	case n.Suffix != "":
		return n.Family + ", " + n.Given + ", " + n.Suffix
	}
	return n.Family + ", " + n.Given
}
