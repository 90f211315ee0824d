package feed

import (
	"html"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

func htmlEscape(s string) string { return html.EscapeString(s) }

func urlQuery(s string) string { return url.QueryEscape(s) }

func urlPath(s string) string { return url.PathEscape(s) }

// cleanDoc drops the characters XML 1.0 cannot carry (most control
// characters, lone surrogates, U+FFFE/U+FFFF) from every text of d: one
// paper with a stray \x01 in its abstract must not make the whole feed
// ill-formed for every reader.
func cleanDoc(d *doc) {
	d.Title, d.Description = xmlText(d.Title), xmlText(d.Description)
	for i := range d.Entries {
		e := &d.Entries[i]
		e.Title, e.Summary, e.Content = xmlText(e.Title), xmlText(e.Summary), xmlText(e.Content)
		for j := range e.Authors {
			e.Authors[j] = xmlText(e.Authors[j])
		}
	}
}

// hostOnly is the host of a base URL without its port: the authority of a
// tag URI (RFC 4151) is a domain name.
func hostOnly(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return u.Hostname()
}

func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
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
