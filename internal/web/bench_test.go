package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
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

// BenchmarkNewListing renders one arXiv listing day of 1,000 papers (real
// titles and abstracts of the demo corpus, with their LaTeX) uncached: the
// cost of /papers/new/DAY apart from the indexed query.
//
//	go test -run='^$' -bench=NewListing -benchmem ./internal/web
func BenchmarkNewListing(b *testing.B) {
	ts := newTestServer(b, 0, "../demo/data")
	ctx := context.Background()
	demo, err := ts.DB.FindPapers(ctx, storeAll())
	if err != nil || len(demo) == 0 {
		b.Fatal(err)
	}
	day := model.MustDate("2026-10-14")
	var ps []*model.Paper
	for i := 0; i < 1000; i++ {
		src := demo[i%len(demo)]
		ps = append(ps, &model.Paper{ID: fmt.Sprintf("2610.%05d", i+1), Title: src.Title, Summary: src.Summary,
			Authors: src.Authors, Categories: []string{"cs.LG", "cs.AI"}, ListingDay: day,
			Versions: []model.Version{{Version: 1, Created: time.Date(2026, 10, 13, 15, 0, 0, 0, time.UTC)}}})
	}
	if _, err := ts.DB.UpsertArxiv(ctx, ps, storeCheckpoint()); err != nil {
		b.Fatal(err)
	}
	h := ts.Config.Handler
	req := httptest.NewRequest("GET", "/papers/new/2026-10-14?category=cs.LG", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte("2610.01000")) {
			b.Fatalf("%d", w.Code)
		}
	}
}
