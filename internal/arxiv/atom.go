package arxiv

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
)

type atomFeed struct {
	TotalResults int         `xml:"totalResults"`
	Entries      []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID        string `xml:"id"`
	Updated   string `xml:"updated"`
	Published string `xml:"published"`
	Title     string `xml:"title"`
	Summary   string `xml:"summary"`
	Authors   []struct {
		Name         string   `xml:"name"`
		Affiliations []string `xml:"affiliation"`
	} `xml:"author"`
	Comment    string `xml:"comment"`
	JournalRef string `xml:"journal_ref"`
	DOI        string `xml:"doi"`
	Primary    struct {
		Term string `xml:"term,attr"`
	} `xml:"primary_category"`
	Categories []struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
}

// AtomPage is one parsed page of the query API.
type AtomPage struct {
	TotalResults int
	Papers       []*model.Paper
	Skipped      []*RecordError
}

var absIDRe = regexp.MustCompile(`arxiv\.org/abs/(.+?)(v(\d+))?$`)

// ParseAtom parses a query API response. Entries the API uses to report
// errors (an id under /api/errors) are skipped with their message.
func ParseAtom(body []byte, source string) (*AtomPage, error) {
	var f atomFeed
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: malformed Atom response at byte %d: %w", source, dec.InputOffset(), err)
	}
	page := &AtomPage{TotalResults: f.TotalResults}
	for i, e := range f.Entries {
		p, err := e.paper()
		if err == nil {
			err = finish(p)
		}
		if err != nil {
			page.Skipped = append(page.Skipped, &RecordError{Source: source, Position: fmt.Sprintf("entry %d", i+1),
				ID: strings.TrimSpace(e.ID), Err: err})
			continue
		}
		page.Papers = append(page.Papers, p)
	}
	return page, nil
}

func (e *atomEntry) paper() (*model.Paper, error) {
	id := strings.TrimSpace(e.ID)
	if strings.Contains(id, "/api/errors") {
		return nil, fmt.Errorf("arXiv API error: %s", model.NormalizeSpace(e.Summary))
	}
	m := absIDRe.FindStringSubmatch(id)
	if m == nil {
		return nil, fmt.Errorf("not an arXiv abstract id: %q", id)
	}
	terms := []string{strings.TrimSpace(e.Primary.Term)}
	for _, c := range e.Categories {
		// The API lists MSC and ACM classes ("14C20, 14A20", "I.2.6") as
		// categories too; only arXiv's own go into the paper.
		if t := strings.TrimSpace(c.Term); looksLikeCategory(t) {
			terms = append(terms, t)
		}
	}
	cats, err := Categories(strings.Join(terms, " "))
	if err != nil {
		return nil, err
	}
	p := &model.Paper{ID: m[1], Title: Title(e.Title), Summary: Abstract(e.Summary), Categories: cats,
		Comments: model.NormalizeSpace(e.Comment), JournalRef: model.NormalizeSpace(e.JournalRef), DOI: strings.TrimSpace(e.DOI)}
	for _, a := range e.Authors {
		au := model.Author{Name: Title(a.Name)}
		for _, af := range a.Affiliations {
			au.Affiliations = append(au.Affiliations, model.NormalizeSpace(af))
		}
		p.Authors = append(p.Authors, au)
	}
	// published is v1's date, updated the latest version's; the API does not
	// give the dates in between.
	published, err := time.Parse(time.RFC3339, strings.TrimSpace(e.Published))
	if err != nil {
		return nil, fmt.Errorf("published: invalid date %q", e.Published)
	}
	p.PublishedAt = published.UTC()
	p.Versions = []model.Version{{Version: 1, Created: p.PublishedAt}}
	if n, _ := strconv.Atoi(m[3]); n > 1 {
		updated, err := time.Parse(time.RFC3339, strings.TrimSpace(e.Updated))
		if err != nil {
			return nil, fmt.Errorf("updated: invalid date %q", e.Updated)
		}
		p.Versions = append(p.Versions, model.Version{Version: n, Created: updated.UTC()})
	}
	return p, nil
}
