// Package arxiv reads arXiv's metadata formats (OAI-PMH arXivRaw, arXiv and
// oai_dc, the query API's Atom, the Kaggle snapshot's JSON lines) into one
// paper model, and talks to arXiv politely. It does no storage.
package arxiv

import (
	"fmt"
	"strings"
	"time"

	"github.com/quire/quire/internal/latex"
	"github.com/quire/quire/internal/model"
)

// RecordError is a record that was skipped, with where it was.
type RecordError struct {
	Source   string // file or URL
	Position string // "line 12", "record 3"
	ID       string // the record's id, when it had one
	Err      error
}

func (e *RecordError) Error() string {
	id := ""
	if e.ID != "" {
		id = " (" + e.ID + ")"
	}
	return fmt.Sprintf("%s: %s%s: %v", e.Source, e.Position, id, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Title normalises a title: arXiv wraps lines ("…Liquid\n  Xenon…"), and TeX
// accents become letters (\'a → á). Math is left for the renderer.
func Title(s string) string {
	return latex.Accents(model.NormalizeSpace(s))
}

// Abstract normalises an abstract: arXiv's hard line wrapping is undone,
// while a line indented by spaces or a blank line, which is how arXiv marks
// a new paragraph, becomes a blank line. (A hand-written scan: it runs on
// every abstract of a bulk import, where a regexp cost a quarter of the time.)
func Abstract(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	b.Grow(len(s))
	words := 0 // words in the current paragraph
	for i, line := range strings.Split(s, "\n") {
		blank := strings.TrimSpace(line) == ""
		indented := i > 0 && len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
		if (blank || indented) && words > 0 {
			b.WriteString("\n\n")
			words = 0
		}
		for _, w := range strings.Fields(line) {
			if words > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
			words++
		}
	}
	return latex.Accents(b.String())
}

// SplitAuthors splits an arXiv author string ("A. One, B. Two (MIT), and C.
// Three") into names with their parenthesised affiliations.
func SplitAuthors(s string) []model.Author {
	s = model.NormalizeSpace(s)
	var out []model.Author
	var cur strings.Builder
	depth := 0
	flush := func() {
		name := strings.TrimSpace(cur.String())
		cur.Reset()
		name = strings.TrimPrefix(name, "and ")
		if name == "" {
			return
		}
		a := model.Author{}
		for {
			open := strings.IndexByte(name, '(')
			if open < 0 || !strings.HasSuffix(name, ")") {
				break
			}
			a.Affiliations = append([]string{strings.TrimSpace(name[open+1 : len(name)-1])}, a.Affiliations...)
			name = strings.TrimSpace(name[:open])
		}
		a.Name = latex.Accents(name)
		if a.Name != "" {
			out = append(out, a)
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth == 0 && c == ',':
			flush()
			continue
		case depth == 0 && strings.HasPrefix(s[i:], " and ") && !strings.HasPrefix(s[i+5:], "("):
			flush()
			i += 4
			continue
		}
		cur.WriteByte(s[i])
	}
	flush()
	return out
}

// archives are arXiv's archives, current and legacy. A category is an
// archive, or an archive and a subject class (cs.LG, cond-mat.mes-hall).
var archives = map[string]bool{}

func init() {
	for _, a := range strings.Fields(`astro-ph cond-mat gr-qc hep-ex hep-lat hep-ph hep-th math-ph nlin nucl-ex nucl-th
		physics quant-ph math cs q-bio q-fin stat eess econ
		acc-phys adap-org alg-geom ao-sci atom-ph bayes-an chao-dyn chem-ph cmp-lg comp-gas dg-ga funct-an mtrl-th
		patt-sol plasm-ph q-alg solv-int supr-con`) {
		archives[a] = true
	}
}

// validCategory reports whether c is an archive, or an archive and a
// subject class: two capitals (cs.LG), lower-case words (cond-mat.mes-hall)
// or a capitalised word (nlin.CD is the first kind; physics.Gen is legacy).
func validCategory(c string) bool {
	archive, subject, hasSubject := strings.Cut(c, ".")
	if !archives[archive] {
		return false
	}
	if !hasSubject {
		return true
	}
	if len(subject) == 2 && isUpper(subject[0]) && isUpper(subject[1]) {
		return true
	}
	if subject == "" || !(isLower(subject[0]) || isUpper(subject[0])) {
		return false
	}
	for i := 1; i < len(subject); i++ {
		if !isLower(subject[i]) && subject[i] != '-' {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// looksLikeCategory is the shape alone (lower-case archive, optional
// subject), to tell arXiv categories from MSC and ACM classes.
func looksLikeCategory(c string) bool {
	archive, _, _ := strings.Cut(c, ".")
	if archive == "" || !isLower(archive[0]) {
		return false
	}
	for i := 0; i < len(archive); i++ {
		if !isLower(archive[i]) && archive[i] != '-' {
			return false
		}
	}
	return true
}

// Categories splits a space-separated category list, primary first, and
// rejects categories of unknown archives.
func Categories(s string) ([]string, error) {
	fields := strings.Fields(s)
	seen := map[string]bool{}
	out := make([]string, 0, len(fields))
	for _, c := range fields {
		if !validCategory(c) {
			return nil, fmt.Errorf("unknown category %q", c)
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, nil
}

// VersionDate parses the date of a version in the formats arXiv uses:
// RFC 1123 ("Tue, 3 Apr 2007 22:04:11 GMT"), RFC 3339, or a bare day.
func VersionDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC1123, "Mon, 2 Jan 2006 15:04:05 MST", time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

// finish checks and completes a parsed paper: a valid id, a title, the v1
// date as PublishedAt.
func finish(p *model.Paper) error {
	id, err := model.NormalizeArxivID(p.ID)
	if err != nil {
		return err
	}
	p.ID = id
	if p.Title == "" {
		return fmt.Errorf("no title")
	}
	if p.GithubRepo == "" {
		if u := model.CodeLink(p.Summary); u != "" {
			p.GithubRepo, p.GithubRepoAddedBy = u, "auto"
		}
	}
	if p.PublishedAt.IsZero() {
		for _, v := range p.Versions {
			if v.Version == 1 {
				p.PublishedAt = v.Created
			}
		}
	}
	if !p.PublishedAt.IsZero() {
		p.ListingDay = ListingDay(p.PublishedAt)
	}
	return nil
}

// listedOn corrects p's listing day by the OAI-PMH datestamp of the record
// that brought it: for a paper still at v1, a datestamp on or within a
// month after the scheduled day is the day arXiv really listed it (papers
// held for moderation go out later). Later datestamps are metadata
// updates, not the listing.
func listedOn(p *model.Paper, datestamp string) {
	if len(datestamp) > 10 {
		datestamp = datestamp[:10] // a seconds-granularity datestamp
	}
	ds, err := model.ParseDate(datestamp)
	if err != nil || p.ListingDay.IsZero() || p.LatestVersion() > 1 {
		return
	}
	if !ds.Before(p.ListingDay) && ds.Before(p.ListingDay.AddDays(31)) {
		p.ListingDay = ds
	}
}
