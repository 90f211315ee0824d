package ui

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLocalPath: whatever a visitor writes as next or back, what the
// redirect sends stays on the site as a browser reads it (tabs and
// newlines dropped, '\' as '/').
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/papers?q=a", "//evil", "/\t/evil", "/\\evil", "/%2F/evil", "https://evil", "", "/a/../b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := LocalPath(s)
		seen := strings.NewReplacer("\t", "", "\r", "", "\n", "", "\\", "/").Replace(got)
		u, err := url.Parse(seen)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(seen, "/") || strings.HasPrefix(seen, "//") {
			t.Fatalf("LocalPath(%q) = %q leaves the site", s, got)
		}
	})
}
