package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Benchmarks of the two hottest routes over the demo corpus, through the
// real handler (no network): with the response cache, as served, and
// without it, which is the cost of every first request after a write.
//
//	go test -run='^$' -bench=. -benchmem ./internal/web
func BenchmarkRoutes(b *testing.B) {
	for _, cache := range []struct {
		name    string
		entries int
	}{{"cached", 64 << 20}, {"uncached", 0}} {
		ts := newTestServer(b, cache.entries, "../demo/data")
		h := ts.Config.Handler
		for _, route := range []struct{ name, path string }{
			{"daily-page", "/papers/date/2026-08-07"},
			{"api-daily-papers", "/api/daily_papers?date=2026-08-07"},
		} {
			b.Run(cache.name+"/"+route.name, func(b *testing.B) {
				req := httptest.NewRequest("GET", route.path, nil)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("%s: %d", route.path, w.Code)
					}
					_, _ = io.Copy(io.Discard, w.Body)
				}
			})
		}
	}
}
