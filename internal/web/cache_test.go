package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

type fixedVersion struct{}

func (fixedVersion) Version(context.Context) (int64, error) { return 1, nil }

// echoPage answers like a list page: its body repeats the request URI
// (each card's "back" field does), 40 times.
var echoPage = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = io.WriteString(w, strings.Repeat(r.URL.RequestURI(), 40))
})

// Defect 1: a visitor cannot grow the cache with distinct URLs. Unknown
// parameters are not cached at all; known ones are, within the bytes.
func TestCacheIsBoundedInBytes(t *testing.T) {
	const limit = 4 << 20
	c := newCache(fixedVersion{}, limit, slog.New(slog.DiscardHandler))
	h := c.wrap(echoPage)
	get := func(uri string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", uri, nil))
		if w.Code != 200 {
			t.Fatalf("%s: %d", uri, w.Code)
		}
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	pad := strings.Repeat("x", 20<<10)
	for i := 0; i < 1000; i++ {
		get(fmt.Sprintf("/papers/trending?x=%d%s", i, pad)) // unknown parameter: never kept
	}
	if n, _ := c.stats(); n != 0 {
		t.Errorf("%d entries cached for unknown parameters", n)
	}
	for i := 0; i < 3000; i++ {
		get(fmt.Sprintf("/papers?q=query-%d-%s", i, strings.Repeat("y", 200))) // known, distinct: kept within the bound
	}
	n, bytes := c.stats()
	if bytes > limit || n == 0 {
		t.Errorf("cache holds %d entries in %d bytes, limit %d", n, bytes, limit)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 2*limit {
		t.Errorf("heap grew by %d bytes for a %d-byte cache", grown, limit)
	}
	// Parameter order and repeats: one canonical key, or none.
	get("/papers?q=a&sort=date")
	n1, _ := c.stats()
	get("/papers?sort=date&q=a")
	if n2, _ := c.stats(); n2 != n1 {
		t.Error("reordered parameters made a second entry")
	}
	if _, ok := cacheKey(httptest.NewRequest("GET", "/papers?q=a&q=b", nil)); ok {
		t.Error("a repeated parameter is cacheable")
	}
}
