package model

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Paper is one research paper, keyed by its bare arXiv id. The fields mirror
// what Hugging Face's Daily Papers serve, so the API can speak that format
// without translation tables.
type Paper struct {
	ID          string // bare arXiv id: "2507.01234" or "hep-th/9901001"
	Title       string
	Summary     string // the abstract
	Authors     []Author
	PublishedAt time.Time // first arXiv version (date precision in most sources)

	Upvotes      int
	NumComments  int
	DiscussionID string

	GithubRepo        string
	GithubRepoAddedBy string // "user" or "auto"
	GithubStars       *int   // nil when unknown, which differs from zero stars
	ProjectPage       string

	AISummary      string
	AIKeywords     []string
	AISummaryModel string

	Thumbnail string
	MediaURLs []string

	Organization *Organization

	// Daily is set when the paper was submitted to the daily list.
	Daily *Submission

	// arXiv metadata (OAI-PMH, the query API, the Kaggle snapshot).
	Categories []string // primary category first, then cross-lists
	Comments   string
	JournalRef string
	DOI        string
	ReportNo   string
	License    string
	Submitter  string    // who submitted it to arXiv (a name, not an account)
	Versions   []Version // oldest first
	// LocalUpvotes is how many of Upvotes were cast here; the rest are
	// Hugging Face's count.
	LocalUpvotes int
	// ListingDay is the day arXiv listed the paper's first version (UTC,
	// Monday to Friday); zero when no arXiv source has brought it.
	ListingDay Date

	Hidden       bool   // hidden from lists by a moderator
	LinksAddedBy string // the account that last set the code link or project page

	UpdatedAt time.Time
}

// Version is one arXiv version of a paper. Every replacement creates one;
// they are permanent.
type Version struct {
	Version int // 1 for v1
	Created time.Time
	Size    string // as arXiv reports it, e.g. "294kb"; may be empty
}

// PrimaryCategory returns the paper's primary arXiv category, or "".
func (p *Paper) PrimaryCategory() string {
	if len(p.Categories) == 0 {
		return ""
	}
	return p.Categories[0]
}

// LatestVersion returns the highest version number known, 0 when none.
func (p *Paper) LatestVersion() int {
	n := 0
	for _, v := range p.Versions {
		n = max(n, v.Version)
	}
	return n
}

// Submission records that a paper was put on the daily list: by whom, when,
// and which day's list it belongs to.
type Submission struct {
	Day                   Date      // the list the paper appears on
	SubmittedAt           time.Time // real time of submission
	OnDailyAt             time.Time // when it was placed on the list (HF submittedOnDailyAt); may be zero
	SubmittedBy           *User     // nil when unknown (early HF dumps)
	IsAuthorParticipating bool
}

// Author is one entry of a paper's author list, in order.
type Author struct {
	ObjectID            string
	Name                string
	Hidden              bool
	Status              string
	StatusLastChangedAt *time.Time
	User                *User    // the account that claimed this entry, if any
	Affiliations        []string // where the source gives them (arXiv format, Kaggle)
}

// Organization is a lab or company that papers can be tagged with.
type Organization struct {
	ObjectID  string
	Name      string // the handle used in URLs
	Fullname  string
	Avatar    string
	NumPapers int
}

// User is a person known to the instance: a local account or an imported
// Hugging Face user overview (submitter, claimed author).
type User struct {
	ObjectID  string
	Name      string
	Fullname  string
	AvatarURL string
	Type      string
	IsPro     bool
}

// ObjectID derives a stable 24-hex identifier from a kind and a key. Hugging
// Face clients expect `_id` fields of that shape; deriving them (instead of
// random ones) keeps re-imports and golden files stable.
func ObjectID(kind, key string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + key))
	return hex.EncodeToString(sum[:12])
}

// Stars returns the star count and whether it is known, for templates.
func (p *Paper) Stars() int {
	if p.GithubStars == nil {
		return 0
	}
	return *p.GithubStars
}

// NumVisibleAuthors counts the authors that are not hidden.
func (p *Paper) NumVisibleAuthors() int {
	n := 0
	for _, a := range p.Authors {
		if !a.Hidden {
			n++
		}
	}
	return n
}

// VisibleAuthors returns the authors that are not hidden.
func (p *Paper) VisibleAuthors() []Author {
	out := make([]Author, 0, len(p.Authors))
	for _, a := range p.Authors {
		if !a.Hidden {
			out = append(out, a)
		}
	}
	return out
}

// NormalizeSpace collapses runs of white space (arXiv wraps titles with a
// newline and two spaces) into single spaces and trims the ends.
func NormalizeSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

var codeLinkRe = regexp.MustCompile(`https?://(?:www\.)?github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+`)

// CodeLink returns the first GitHub repository URL in an abstract, or "".
// Abstracts often end with "Code is available at https://github.com/…".
func CodeLink(abstract string) string {
	u := codeLinkRe.FindString(abstract)
	u = strings.TrimRight(u, ".")
	return strings.TrimSuffix(u, ".git")
}

// AuthorLine names the first n visible authors and counts the rest:
// "A, B, C and 6 others".
func (p *Paper) AuthorLine(n int) string {
	vis := p.VisibleAuthors()
	names := make([]string, 0, n)
	for i, a := range vis {
		if i == n {
			break
		}
		names = append(names, a.Name)
	}
	s := strings.Join(names, ", ")
	switch rest := len(vis) - len(names); {
	case rest == 1:
		s += " and 1 other"
	case rest > 1:
		s += " and " + strconv.Itoa(rest) + " others"
	}
	return s
}

// WebURL returns u when it is an absolute http or https URL with a host,
// and "" otherwise: a link taken from imported data (a javascript: or
// data: URL, a relative path) must never become a live link.
// Surrounding spaces are kept (data round-trips as it came); browsers
// ignore them.
func WebURL(u string) string {
	t := strings.TrimSpace(u)
	p, err := url.Parse(t)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || strings.ContainsAny(t, "\x00\r\n\t") {
		return ""
	}
	return u
}

// UpvoteSources says where the count comes from when both count:
// "51 on Hugging Face · 3 here", else "".
func (p *Paper) UpvoteSources() string {
	hf := p.Upvotes - p.LocalUpvotes
	if hf <= 0 || p.LocalUpvotes <= 0 {
		return ""
	}
	return strconv.Itoa(hf) + " on Hugging Face · " + strconv.Itoa(p.LocalUpvotes) + " here"
}
