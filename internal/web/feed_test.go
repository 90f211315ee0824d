package web_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/quire/quire/internal/testutil"
)

func TestFeedsGolden(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	for _, tc := range []struct{ path, ctype, golden string }{
		{"/feed/daily.rss", "application/rss+xml", "feed/daily.rss"},
		{"/feed/daily.atom", "application/atom+xml", "feed/daily.atom"},
		{"/feed/daily.json", "application/feed+json", "feed/daily.json"},
		{"/feed/search.rss?q=multimodal", "application/rss+xml", "feed/search.rss"},
		{"/feed/search.atom?q=multimodal", "application/atom+xml", "feed/search.atom"},
		{"/feed/search.json?q=multimodal", "application/feed+json", "feed/search.json"},
	} {
		res, body := ts.get(t, tc.path)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) {
			t.Fatalf("%s: %d %s", tc.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if strings.HasSuffix(tc.golden, ".json") {
			var f struct {
				Version string
				Items   []struct {
					ID          string `json:"id"`
					ContentHTML string `json:"content_html"`
				}
			}
			if err := json.Unmarshal(body, &f); err != nil || f.Version != "https://jsonfeed.org/version/1.1" || len(f.Items) == 0 ||
				f.Items[0].ID == "" || f.Items[0].ContentHTML == "" {
				t.Fatalf("%s: not a JSON Feed 1.1 with items: %v", tc.path, err)
			}
		} else if err := xml.Unmarshal(body, new(struct{})); err != nil {
			t.Fatalf("%s: not well-formed XML: %v", tc.path, err)
		}
		testutil.Golden(t, tc.golden, body)
	}
}

func TestFeedErrors(t *testing.T) {
	ts := newTestServer(t, 0)
	if res, _ := ts.get(t, "/feed/search.rss"); res.StatusCode != 400 {
		t.Errorf("search feed without q: %d, want 400", res.StatusCode)
	}
	res, body := ts.get(t, "/feed/daily.atom")
	if res.StatusCode != 200 || xml.Unmarshal(body, new(struct{})) != nil {
		t.Errorf("empty daily feed: %d %s", res.StatusCode, body)
	}
}
