package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestCompression: HTML, JSON, feeds and Markdown go out compressed in the
// coding the client accepts and decode to the very bytes sent plain; the
// ETag of a compressed answer still revalidates (304); small answers and
// clients that accept nothing stay plain.
func TestCompression(t *testing.T) {
	ts := newTestServer(t, 1<<20, "../hf/testdata")
	fetch := func(path, accept, inm string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Accept-Encoding", accept) // set by hand: Go's client then does not decode
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	for _, path := range []string{"/papers?q=video+diffusion", "/api/daily_papers?limit=20", "/feed/daily.atom",
		"/papers/2510.08673.md", staticCSS(t, ts)} {
		plainRes, plain := fetch(path, "identity", "")
		if plainRes.StatusCode != 200 || plainRes.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%s plain: %d %q", path, plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"))
		}
		for _, coding := range []string{"gzip", "zstd"} {
			res, body := fetch(path, coding, "")
			if res.Header.Get("Content-Encoding") != coding || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s %s: Content-Encoding %q, Vary %q", path, coding, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
				continue
			}
			var r io.Reader
			var err error
			if coding == "gzip" {
				r, err = gzip.NewReader(bytes.NewReader(body))
			} else {
				var d *zstd.Decoder
				d, err = zstd.NewReader(bytes.NewReader(body))
				r = d
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, plain) {
				t.Errorf("%s %s: decodes to %d bytes (%v), plain is %d", path, coding, len(got), err, len(plain))
			}
			if len(body)*2 > len(plain) {
				t.Errorf("%s %s: %d bytes for %d plain", path, coding, len(body), len(plain))
			}
			if etag := res.Header.Get("ETag"); etag != "" {
				if again, _ := fetch(path, coding, etag); again.StatusCode != http.StatusNotModified {
					t.Errorf("%s %s: If-None-Match %s: %d, want 304", path, coding, etag, again.StatusCode)
				}
			}
		}
	}
	if res, _ := fetch("/healthz", "gzip", ""); res.Header.Get("Content-Encoding") != "" {
		t.Errorf("a 3-byte answer compressed: %q", res.Header.Get("Content-Encoding"))
	}
}

// staticCSS is the hashed URL of the style sheet the pages link.
func staticCSS(t *testing.T, ts *testServer) string {
	_, page := ts.get(t, "/")
	m := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no style sheet linked")
	}
	return string(m[1])
}
