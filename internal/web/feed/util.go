package feed

import (
	"html"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/feeds"
)

func htmlEscape(s string) string { return html.EscapeString(s) }

func urlQuery(s string) string { return url.QueryEscape(s) }

func urlPath(s string) string { return url.PathEscape(s) }

// cleanFeed drops the characters XML 1.0 cannot carry (most control
// characters, lone surrogates, U+FFFE/U+FFFF) from every text of f: one
// paper with a stray \x01 in its abstract must not make the whole feed
// ill-formed for every reader.
func cleanFeed(f *feeds.Feed) {
	f.Title, f.Description = xmlText(f.Title), xmlText(f.Description)
	for _, it := range f.Items {
		it.Title, it.Description, it.Content = xmlText(it.Title), xmlText(it.Description), xmlText(it.Content)
		if it.Author != nil {
			it.Author.Name = xmlText(it.Author.Name)
		}
	}
}

func xmlText(s string) string {
	if strings.IndexFunc(s, badXML) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if badXML(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

func badXML(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return false
}
