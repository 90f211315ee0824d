package web

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressor compresses every answer of a kilobyte or more that is not
// already compressed (HTML, CSS, JSON, feeds, Markdown, BibTeX) with zstd
// or gzip, as the client accepts: the search page goes out at a fifth of
// its size. A compressed answer's ETag gets the coding as a suffix, so a
// cache between never serves one coding for another; response.NotModified
// takes the suffix off when it compares.
func compressor() (func(http.Handler) http.HandlerFunc, error) {
	return gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.SuffixETag("-gzip"))
}
