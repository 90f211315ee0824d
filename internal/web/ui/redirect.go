package ui

import (
	"net/url"
	"strings"
)

// LocalPath returns s when it is a path on this site, and "/" otherwise:
// the one check for every redirect target a visitor can write (next after
// login, back after a form).
func LocalPath(s string) string {
	if isLocalPath(s) {
		return s
	}
	return "/"
}

// isLocalPath accepts "/…" paths only. Browsers drop tabs and newlines
// from URLs and read '\' as '/', so "/\t/evil.example" and "/\evil.example"
// lead to another host: any control character or backslash is refused,
// then the parsed URL must have no scheme, host or user.
func isLocalPath(s string) bool {
	if s == "" || s[0] != '/' || len(s) > 2048 || strings.HasPrefix(s, "//") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// Percent-decoding must not reveal another host either ("/%2F/evil").
	p, err := url.PathUnescape(u.EscapedPath())
	return err == nil && !strings.HasPrefix(p, "//") && !strings.Contains(p, "\\")
}
