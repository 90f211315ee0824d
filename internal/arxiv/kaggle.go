package arxiv

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/quire/quire/internal/model"
)

// MaxLineBytes bounds one Kaggle line; the longest real ones are under 100 kB.
// A longer line is skipped without being held in memory.
const MaxLineBytes = 4 << 20

// KaggleRecord is one line of the Kaggle snapshot, as it is written.
type KaggleRecord struct {
	ID            string          `json:"id"`
	Submitter     *string         `json:"submitter"`
	Authors       string          `json:"authors"`
	Title         string          `json:"title"`
	Comments      *string         `json:"comments"`
	JournalRef    *string         `json:"journal-ref"`
	DOI           *string         `json:"doi"`
	ReportNo      *string         `json:"report-no"`
	Categories    string          `json:"categories"`
	License       *string         `json:"license"`
	Abstract      string          `json:"abstract"`
	Versions      []KaggleVersion `json:"versions"`
	UpdateDate    string          `json:"update_date,omitempty"`
	AuthorsParsed [][]string      `json:"authors_parsed"`
}

// KaggleVersion is one entry of a KaggleRecord's versions.
type KaggleVersion struct {
	Version string `json:"version"`
	Created string `json:"created"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ParseKaggleLine parses one line of arxiv-metadata-oai-snapshot.json. On
// an error after the id was read, the returned paper carries just the id,
// for the error report.
func ParseKaggleLine(line []byte) (*model.Paper, error) {
	p, err := parseKaggleLine(line)
	if err != nil && p != nil {
		return &model.Paper{ID: p.ID}, err
	}
	return p, err
}

func parseKaggleLine(line []byte) (*model.Paper, error) {
	var r KaggleRecord
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, err
	}
	if r.ID == "" {
		return nil, errors.New("record without an id")
	}
	cats, err := Categories(r.Categories)
	if err != nil {
		return &model.Paper{ID: r.ID}, err
	}
	p := &model.Paper{ID: r.ID, Title: Title(r.Title), Summary: Abstract(r.Abstract), Categories: cats,
		Comments: model.NormalizeSpace(str(r.Comments)), JournalRef: model.NormalizeSpace(str(r.JournalRef)),
		DOI: strings.TrimSpace(str(r.DOI)), ReportNo: model.NormalizeSpace(str(r.ReportNo)),
		License: strings.TrimSpace(str(r.License)), Submitter: model.NormalizeSpace(str(r.Submitter))}
	if len(r.AuthorsParsed) > 0 {
		for _, a := range r.AuthorsParsed {
			p.Authors = append(p.Authors, parsedAuthor(a))
		}
	} else {
		p.Authors = SplitAuthors(r.Authors)
	}
	for _, v := range r.Versions {
		n, err := strconv.Atoi(strings.TrimPrefix(v.Version, "v"))
		if err != nil || n < 1 {
			return p, fmt.Errorf("invalid version %q", v.Version)
		}
		t, err := VersionDate(v.Created)
		if err != nil {
			return p, fmt.Errorf("version %s: %w", v.Version, err)
		}
		p.Versions = append(p.Versions, model.Version{Version: n, Created: t})
	}
	return p, finish(p)
}

// parsedAuthor reads an authors_parsed entry: [last, first, suffix,
// affiliation…].
func parsedAuthor(a []string) model.Author {
	var parts []string
	if len(a) > 1 {
		parts = append(parts, a[1])
	}
	if len(a) > 0 {
		parts = append(parts, a[0])
	}
	if len(a) > 2 {
		parts = append(parts, a[2])
	}
	au := model.Author{Name: Title(strings.Join(parts, " "))}
	for _, af := range a[min(3, len(a)):] {
		if af = model.NormalizeSpace(af); af != "" {
			au.Affiliations = append(au.Affiliations, af)
		}
	}
	return au
}

// LineReader reads JSON lines of bounded length, counting bytes and lines so
// that an import can record where it is and resume there.
type LineReader struct {
	r      *bufio.Reader
	Offset int64 // bytes consumed
	Line   int64 // lines consumed
}

// NewLineReader reads from r, which starts at byte offset and line.
func NewLineReader(r io.Reader, offset, line int64) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(r, 1<<20), Offset: offset, Line: line}
}

// ErrLineTooLong is returned for a line over MaxLineBytes; the line has been
// consumed and the next call reads the line after it.
var ErrLineTooLong = fmt.Errorf("line longer than %d bytes", MaxLineBytes)

// Next returns the next non-empty line (without its newline), or io.EOF.
// The slice is valid until the next call.
func (lr *LineReader) Next(buf []byte) ([]byte, error) {
	for {
		buf = buf[:0]
		tooLong := false
		for {
			chunk, err := lr.r.ReadSlice('\n')
			lr.Offset += int64(len(chunk))
			if !tooLong {
				if len(buf)+len(chunk) > MaxLineBytes {
					tooLong, buf = true, buf[:0]
				} else {
					buf = append(buf, chunk...)
				}
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil && (err != io.EOF || (len(buf) == 0 && !tooLong)) {
				return nil, err
			}
			break
		}
		lr.Line++
		if tooLong {
			return nil, ErrLineTooLong
		}
		if line := bytes.TrimSpace(buf); len(line) > 0 {
			return line, nil
		}
	}
}
