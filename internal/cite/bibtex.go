package cite

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/quire/quire/internal/model"
)

// stopWords are left out of the title word of a citation key, as arXiv
// does ("he2016deep", not "he2016the").
var stopWords = map[string]bool{"a": true, "an": true, "the": true, "on": true, "of": true, "in": true, "for": true,
	"and": true, "to": true, "with": true, "from": true, "at": true, "by": true, "is": true, "are": true}

// Keys makes citation keys for papers, unique within one export: the first
// author's family name, the year and the first word of the title, with a
// letter added on a clash (smith2024deep, smith2024deepa).
type Keys struct{ used map[string]bool }

// Key returns p's key.
func (k *Keys) Key(p *model.Paper) string {
	if k.used == nil {
		k.used = map[string]bool{}
	}
	author := "anonymous"
	if len(p.Authors) > 0 {
		n := SplitName(p.Authors[0].Name)
		if w := keyWord(n.Family + n.Literal); w != "" {
			author = w
		}
	}
	word := ""
	for _, w := range strings.Fields(p.Title) {
		if kw := keyWord(w); kw != "" && !stopWords[kw] {
			word = kw
			break
		}
	}
	base := author + year(p) + word
	key := base
	for i := 0; k.used[key]; i++ {
		key = base + suffix(i)
	}
	k.used[key] = true
	return key
}

func suffix(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('a'+(i-1)%26)) + s
	}
	return s
}

func year(p *model.Paper) string {
	if p.PublishedAt.IsZero() {
		return ""
	}
	return strconv.Itoa(p.PublishedAt.Year())
}

// AbsURL is a paper's arXiv abstract page.
func AbsURL(p *model.Paper) string { return "https://arxiv.org/abs/" + p.ID }

// PDFURL is a paper's arXiv PDF.
func PDFURL(p *model.Paper) string { return "https://arxiv.org/pdf/" + p.ID }

// WriteBibTeX writes papers as arXiv's BibTeX export does: @misc with
// title, author, year, eprint, archivePrefix, primaryClass and url, plus
// doi where known.
func WriteBibTeX(w io.Writer, ps []*model.Paper) error {
	var keys Keys
	b := bufio.NewWriterSize(w, 64<<10)
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(b, "@misc{%s,\n", keys.Key(p))
		field := func(name, value string) {
			if value != "" {
				fmt.Fprintf(b, "      %s={%s},\n", name, value)
			}
		}
		field("title", bibValue(p.Title))
		field("author", bibAuthors(p.Authors))
		field("year", year(p))
		field("eprint", p.ID)
		field("archivePrefix", "arXiv")
		field("primaryClass", p.PrimaryCategory())
		field("doi", strings.NewReplacer("{", "", "}", "", " ", "").Replace(p.DOI)) // verbatim in biblatex: no escapes
		field("url", AbsURL(p))
		b.WriteString("}\n")
	}
	return b.Flush()
}

// bibAuthors joins names with " and "; a name that holds " and " or is a
// group's is braced so that BibTeX takes it whole.
func bibAuthors(as []model.Author) string {
	names := make([]string, 0, len(as))
	for _, a := range as {
		v := bibValue(a.Name)
		if v == "" {
			continue
		}
		n := SplitName(a.Name)
		if n.Suffix != "" { // BibTeX reads "First Last Jr." as the family name Jr.
			v = bibValue(n.Family + ", " + n.Suffix + ", " + n.Given)
		}
		if n.Literal != "" || strings.Contains(" "+strings.ToLower(v)+" ", " and ") {
			v = "{" + v + "}"
		}
		names = append(names, v)
	}
	return strings.Join(names, " and ")
}
