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
