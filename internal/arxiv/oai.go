package arxiv

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
)

// Metadata formats of arXiv's OAI-PMH interface.
const (
	FormatArxivRaw = "arXivRaw" // with the full version history
	FormatArxiv    = "arXiv"    // with separated author names and affiliations
	FormatDC       = "oai_dc"   // simple Dublin Core
)

// OAIError is an error element of an OAI-PMH response.
type OAIError struct {
	Code    string
	Message string
}

func (e *OAIError) Error() string { return "OAI-PMH " + e.Code + ": " + strings.TrimSpace(e.Message) }

// IsOAIError reports whether err is an OAI-PMH error with the given code
// (noRecordsMatch, badResumptionToken …).
func IsOAIError(err error, code string) bool {
	var e *OAIError
	return errors.As(err, &e) && e.Code == code
}

// Page is one parsed ListRecords (or GetRecord) response.
type Page struct {
	ResponseDate time.Time
	Papers       []*model.Paper
	Datestamps   []string       // per paper, the record's datestamp
	Skipped      []*RecordError // records that could not be used
	Deleted      int            // records marked deleted
	Token        string         // resumption token; "" on the last page
	ListSize     int            // completeListSize, when given
}

type oaiEnvelope struct {
	ResponseDate string `xml:"responseDate"`
	Errors       []struct {
		Code    string `xml:"code,attr"`
		Message string `xml:",chardata"`
	} `xml:"error"`
	List struct {
		Records []oaiRecord `xml:"record"`
		Token   struct {
			Value    string `xml:",chardata"`
			ListSize string `xml:"completeListSize,attr"`
		} `xml:"resumptionToken"`
	} `xml:"ListRecords"`
	Get struct {
		Records []oaiRecord `xml:"record"`
	} `xml:"GetRecord"`
}

type oaiRecord struct {
	Header struct {
		Status     string `xml:"status,attr"`
		Identifier string `xml:"identifier"`
		Datestamp  string `xml:"datestamp"`
	} `xml:"header"`
	Metadata struct {
		Raw  *rawMeta  `xml:"arXivRaw"`
		Arx  *arxMeta  `xml:"arXiv"`
		DC   *dcMeta   `xml:"dc"`
		Rest []xmlNode `xml:",any"`
	} `xml:"metadata"`
}

type xmlNode struct {
	XMLName xml.Name
}

type rawMeta struct {
	ID        string `xml:"id"`
	Submitter string `xml:"submitter"`
	Versions  []struct {
		Version string `xml:"version,attr"`
		Date    string `xml:"date"`
		Size    string `xml:"size"`
	} `xml:"version"`
	Authors string `xml:"authors"`
	commonMeta
}

// commonMeta are the elements arXivRaw and arXiv share.
type commonMeta struct {
	Title      string `xml:"title"`
	Categories string `xml:"categories"`
	Comments   string `xml:"comments"`
	ReportNo   string `xml:"report-no"`
	JournalRef string `xml:"journal-ref"`
	DOI        string `xml:"doi"`
	License    string `xml:"license"`
	Abstract   string `xml:"abstract"`
}

type arxMeta struct {
	ID      string `xml:"id"`
	Created string `xml:"created"`
	Updated string `xml:"updated"`
	Authors []struct {
		Keyname      string   `xml:"keyname"`
		Forenames    string   `xml:"forenames"`
		Suffix       string   `xml:"suffix"`
		Affiliations []string `xml:"affiliation"`
	} `xml:"authors>author"`
	commonMeta
}

type dcMeta struct {
	Titles       []string `xml:"title"`
	Creators     []string `xml:"creator"`
	Subjects     []string `xml:"subject"`
	Descriptions []string `xml:"description"`
	Dates        []string `xml:"date"`
	Identifiers  []string `xml:"identifier"`
	Rights       []string `xml:"rights"`
}

// ParseOAI parses one OAI-PMH response body. A body that is not well-formed
// XML, or carries an OAI-PMH error, is an error for the whole page; a record
// that cannot be used is skipped and listed in Page.Skipped.
func ParseOAI(body []byte, source string) (*Page, error) {
	var env oaiEnvelope
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("%s: malformed OAI-PMH response at byte %d: %w", source, dec.InputOffset(), err)
	}
	if len(env.Errors) > 0 {
		return nil, &OAIError{Code: env.Errors[0].Code, Message: env.Errors[0].Message}
	}
	page := &Page{Token: strings.TrimSpace(env.List.Token.Value)}
	page.ResponseDate, _ = time.Parse(time.RFC3339, strings.TrimSpace(env.ResponseDate))
	page.ListSize, _ = strconv.Atoi(env.List.Token.ListSize)
	records := append(env.List.Records, env.Get.Records...)
	for i, rec := range records {
		if rec.Header.Status == "deleted" {
			page.Deleted++
			continue
		}
		p, err := rec.paper()
		if err != nil {
			id := strings.TrimPrefix(rec.Header.Identifier, "oai:arXiv.org:")
			page.Skipped = append(page.Skipped, &RecordError{Source: source, Position: fmt.Sprintf("record %d", i+1), ID: id, Err: err})
			continue
		}
		ds := strings.TrimSpace(rec.Header.Datestamp)
		listedOn(p, ds)
		page.Papers = append(page.Papers, p)
		page.Datestamps = append(page.Datestamps, ds)
	}
	return page, nil
}

func (r *oaiRecord) paper() (*model.Paper, error) {
	m := &r.Metadata
	var p *model.Paper
	var err error
	switch {
	case m.Raw != nil:
		p, err = m.Raw.paper()
	case m.Arx != nil:
		p, err = m.Arx.paper()
	case m.DC != nil:
		p, err = m.DC.paper(r.Header.Identifier)
	default:
		return nil, fmt.Errorf("no metadata in a known format")
	}
	if err != nil {
		return nil, err
	}
	return p, finish(p)
}

func (m *rawMeta) paper() (*model.Paper, error) {
	cats, err := Categories(m.Categories)
	if err != nil {
		return nil, err
	}
	p := &model.Paper{ID: strings.TrimSpace(m.ID), Title: Title(m.Title), Summary: Abstract(m.Abstract),
		Authors: SplitAuthors(m.Authors), Categories: cats, Comments: model.NormalizeSpace(m.Comments),
		ReportNo: model.NormalizeSpace(m.ReportNo), JournalRef: model.NormalizeSpace(m.JournalRef),
		DOI: strings.TrimSpace(m.DOI), License: strings.TrimSpace(m.License), Submitter: model.NormalizeSpace(m.Submitter)}
	for _, v := range m.Versions {
		n, err := strconv.Atoi(strings.TrimPrefix(v.Version, "v"))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("invalid version %q", v.Version)
		}
		t, err := VersionDate(v.Date)
		if err != nil {
			return nil, fmt.Errorf("version %s: %w", v.Version, err)
		}
		p.Versions = append(p.Versions, model.Version{Version: n, Created: t, Size: strings.TrimSpace(v.Size)})
	}
	return p, nil
}

func (m *arxMeta) paper() (*model.Paper, error) {
	cats, err := Categories(m.Categories)
	if err != nil {
		return nil, err
	}
	p := &model.Paper{ID: strings.TrimSpace(m.ID), Title: Title(m.Title), Summary: Abstract(m.Abstract),
		Categories: cats, Comments: model.NormalizeSpace(m.Comments), ReportNo: model.NormalizeSpace(m.ReportNo),
		JournalRef: model.NormalizeSpace(m.JournalRef), DOI: strings.TrimSpace(m.DOI), License: strings.TrimSpace(m.License)}
	for _, a := range m.Authors {
		name := model.NormalizeSpace(strings.Join([]string{a.Forenames, a.Keyname, a.Suffix}, " "))
		au := model.Author{Name: Title(name)}
		for _, af := range a.Affiliations {
			au.Affiliations = append(au.Affiliations, model.NormalizeSpace(af))
		}
		p.Authors = append(p.Authors, au)
	}
	// The arXiv format gives the first and the latest version's dates only.
	if m.Created != "" {
		t, err := VersionDate(m.Created)
		if err != nil {
			return nil, fmt.Errorf("created: %w", err)
		}
		p.PublishedAt = t
		p.Versions = append(p.Versions, model.Version{Version: 1, Created: t})
	}
	return p, nil
}

func (m *dcMeta) paper(identifier string) (*model.Paper, error) {
	p := &model.Paper{ID: strings.TrimPrefix(strings.TrimSpace(identifier), "oai:arXiv.org:")}
	if len(m.Titles) > 0 {
		p.Title = Title(m.Titles[0])
	}
	for _, c := range m.Creators {
		// Dublin Core writes "Last, First".
		last, first, ok := strings.Cut(c, ",")
		name := c
		if ok {
			name = strings.TrimSpace(first) + " " + strings.TrimSpace(last)
		}
		p.Authors = append(p.Authors, model.Author{Name: Title(name)})
	}
	for _, d := range m.Descriptions {
		if c, ok := strings.CutPrefix(strings.TrimSpace(d), "Comment:"); ok {
			p.Comments = model.NormalizeSpace(c)
		} else if p.Summary == "" {
			p.Summary = Abstract(d)
		}
	}
	for i, d := range m.Dates {
		t, err := VersionDate(d)
		if err != nil {
			return nil, fmt.Errorf("date: %w", err)
		}
		p.Versions = append(p.Versions, model.Version{Version: i + 1, Created: t})
	}
	for _, id := range m.Identifiers {
		if doi, ok := strings.CutPrefix(id, "doi:"); ok {
			p.DOI = doi
		}
	}
	if len(m.Rights) > 0 {
		p.License = strings.TrimSpace(m.Rights[0])
	}
	seen := map[string]bool{}
	for _, subj := range m.Subjects {
		if c := SubjectCode(subj); c != "" && !seen[c] {
			seen[c] = true
			p.Categories = append(p.Categories, c) // arXiv lists the primary first
		}
	}
	return p, nil
}
