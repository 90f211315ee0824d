package model

import (
	"regexp"
	"strings"
)

var (
	// New-style ids since April 2007: YYMM.NNNN (to 2014) or YYMM.NNNNN.
	newIDRe = regexp.MustCompile(`^(\d{4}\.\d{4,5})(v\d+)?$`)
	// Old-style ids: archive[.SUBJ]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
	oldIDRe = regexp.MustCompile(`^([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?$`)
)

// NormalizeArxivID checks an arXiv identifier and returns its bare form
// without a version suffix. It accepts an "arXiv:" prefix and a trailing
// version ("v2"); anything else is EINVALID.
func NormalizeArxivID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > 6 && strings.EqualFold(s[:6], "arxiv:") {
		s = s[6:]
	}
	if m := newIDRe.FindStringSubmatch(s); m != nil {
		return m[1], nil
	}
	if m := oldIDRe.FindStringSubmatch(s); m != nil {
		return m[1], nil
	}
	return "", Errorf(EINVALID, "invalid arXiv id %q", s)
}

// arxivRefRe finds an arXiv id where people and reference managers put
// one: an abs, pdf or html URL (with or without the scheme, "export." or
// "www."), the DOI arXiv mints (10.48550/arXiv.ID, any case) or its doi.org
// URL, or "arXiv:" before the id.
var arxivRefRe = regexp.MustCompile(`(?i)(?:arxiv\.org/(?:abs|pdf|html)/|10\.48550/arxiv\.|arxiv:\s*)` +
	`(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?`)

// ParseArxivRef returns the bare arXiv id in s: an id in any form
// NormalizeArxivID takes, or a URL, DOI or "arXiv:" reference that holds
// one. EINVALID when there is none.
func ParseArxivRef(s string) (string, error) {
	if id, err := NormalizeArxivID(s); err == nil {
		return id, nil
	}
	m := arxivRefRe.FindStringSubmatch(s)
	if m == nil {
		return "", Errorf(EINVALID, "no arXiv id in %q", s)
	}
	id := m[1]
	if i := strings.IndexByte(id, '/'); i > 0 { // old style: archive in lower case, subject class in upper
		arch, num := strings.ToLower(id[:i]), id[i:]
		if a, subj, ok := strings.Cut(arch, "."); ok {
			arch = a + "." + strings.ToUpper(subj)
		}
		id = arch + num
	}
	return NormalizeArxivID(id)
}
