package model

import (
	"regexp"
	"strings"
	"time"
)

// ReadingListSlug names every user's Reading list, made on first use.
const ReadingListSlug = "reading-list"

// Orders of a collection's items.
const (
	OrderAdded     = "added"     // as added (an import keeps its file's order)
	OrderRecent    = "recent"    // most recently added first
	OrderPublished = "published" // newest arXiv publication first
)

// Collection is a named list of papers that one user keeps.
type Collection struct {
	ID          int64
	Owner       string
	Slug        string // unique per owner, kept when the name changes
	Name        string
	Description string
	Private     bool
	Order       string // one of the Order constants
	// Interest makes the collection one of its owner's interests, which
	// /for-you recommends papers for.
	Interest bool
	// Keywords start an interest before (or besides) its papers: they
	// count as one more paper of it (a cold start).
	Keywords string
	// Version counts changes to what the interest's model learns from;
	// a stored ranking of an older version is stale.
	Version int64
	// FeedSecret names the collection's private feeds; a new one revokes
	// the old URLs.
	FeedSecret string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Count      int // items (filled by lists)
}

// IsReadingList tells the user's Reading list, which cannot be deleted.
func (c *Collection) IsReadingList() bool { return c.Slug == ReadingListSlug }

// CollectionItem is a paper in a collection.
type CollectionItem struct {
	PaperID string
	Paper   *Paper // filled by the use case
	AddedAt time.Time
	Note    string // shown with the item to whoever may see the collection
}

// PaperState is what one user keeps of one paper for themselves alone.
type PaperState struct {
	Read   bool
	ReadAt time.Time
	Note   string // Markdown, private to the user
}

var slugJunk = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify makes a URL slug from a collection's name: lower-case ASCII
// letters and digits joined by '-', at most 60 bytes; "collection" when
// nothing is left (a name in another script).
func Slugify(name string) string {
	s := strings.Trim(slugJunk.ReplaceAllString(strings.ToLower(foldASCII(name)), "-"), "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	if s == "" {
		return "collection"
	}
	return s
}

// foldASCII drops the accents of Latin letters (é → e) so that slugs of
// European names stay readable.
func foldASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := latinFold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var latinFold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'þ': "th"}
	for base, rs := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćčĉ", "e": "èéêëēĕėęě", "g": "ğĝ", "i": "ìíîïīĭįı", "n": "ñńňņ",
		"o": "òóôõöōŏő", "r": "řŕ", "s": "śšşŝș", "t": "ťţț", "u": "ùúûüūŭůűų", "y": "ýÿ", "z": "źżž",
	} {
		for _, r := range rs {
			m[r] = base
		}
	}
	return m
}()

// Follow kinds.
const (
	FollowOrg    = "org"    // an organization's papers
	FollowUser   = "user"   // the papers a user claimed
	FollowAuthor = "author" // papers with an author of this name
)

// Follow is something a reader follows.
type Follow struct {
	Kind      string    `json:"kind"`
	Target    string    `json:"target"`
	CreatedAt time.Time `json:"createdAt"`
	// Excluded are the papers left out of a followed author name (another
	// person of that name).
	Excluded []string `json:"excluded,omitempty"`
}

// ForYouPrefs are a reader's choices for /for-you.
type ForYouPrefs struct {
	// Mix is the share, 0–100, of community upvotes in the order; 0 ranks
	// by the reader's interests alone.
	Mix int
	// Merged shows one list, each card naming its interest, rather than a
	// section per interest.
	Merged bool
}
