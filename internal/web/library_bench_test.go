package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
)

// libraryBench is a server with the demo corpus plus 20,000 generated
// papers (real demo titles and abstracts), a member with a 10,000-paper
// collection and 10,000 papers marked read, and a Daily day of 600 papers
// of which 300 are read.
type libraryBench struct {
	*testServer
	token, slug, day string
}

func newLibraryBench(b *testing.B) *libraryBench {
	b.Helper()
	ts := newTestServer(b, 0, "../demo/data")
	ctx := context.Background()
	demo, err := ts.DB.FindPapers(ctx, storeAll())
	if err != nil || len(demo) == 0 {
		b.Fatal(err)
	}
	day := model.MustDate("2026-11-30")
	var ps []*model.Paper
	start := time.Now().Add(-14 * 24 * time.Hour) // all in /for-you's window
	for i := range 20_000 {
		src := demo[i%len(demo)]
		p := &model.Paper{ID: fmt.Sprintf("2611.%05d", i), Title: src.Title, Summary: src.Summary, Authors: src.Authors,
			PublishedAt: start.Add(time.Duration(i) * 30 * time.Second), Upvotes: i % 97}
		if i < 600 {
			p.Daily = &model.Submission{Day: day, SubmittedAt: day.Time().Add(time.Duration(i) * time.Second)}
		}
		ps = append(ps, p)
	}
	for lo := 0; lo < len(ps); lo += 2000 {
		if _, err := ts.DB.UpsertPapers(ctx, ps[lo:lo+2000]); err != nil {
			b.Fatal(err)
		}
	}
	lb := &libraryBench{testServer: ts, token: ts.member(b, "ann", ""), day: day.String()}
	lb.slug = lb.create(b, "Ten thousand")
	for lo := 0; lo < 10_000; lo += 1000 {
		ids := make([]string, 0, 1000)
		for i := lo; i < lo+1000; i++ {
			ids = append(ids, `"`+ps[i].ID+`"`)
		}
		if code, body, _ := ts.call(b, "POST", "/api/collections/"+lb.slug+"/items", lb.token, `{"ids": [`+strings.Join(ids, ",")+`]}`); code != 200 {
			b.Fatalf("add: %d %v", code, body)
		}
	}
	if code, body, _ := ts.call(b, "PATCH", "/api/collections/"+lb.slug, lb.token, `{"interest": true}`); code != 200 {
		b.Fatalf("interest: %d %v", code, body)
	}
	for i := 0; i < 20_000; i += 2 { // every other paper read: half of the day's
		if err := ts.DB.MarkRead(ctx, "ann", ps[i].ID, true, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	return lb
}

func (lb *libraryBench) create(b *testing.B, name string) string {
	code, body, _ := lb.call(b, "POST", "/api/collections", lb.token, `{"name": "`+name+`"}`)
	if code != 201 {
		b.Fatalf("create: %d %v", code, body)
	}
	return body["slug"].(string)
}

// BenchmarkLibrary: a 10,000-paper collection exported as BibTeX, a
// 10,000-entry BibTeX file (quire's own export) imported, and a day's list
// with and without "hide read" for a reader with 10,000 read papers.
//
//	go test -run='^$' -bench=Library -benchtime=5x -count=5 ./internal/web
func BenchmarkLibrary(b *testing.B) {
	lb := newLibraryBench(b)
	h := lb.Config.Handler
	get := func(b *testing.B, path string) []byte {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+lb.token)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %.200s", path, w.Code, w.Body.String())
		}
		return w.Body.Bytes()
	}
	bibPath := "/u/ann/c/" + lb.slug + ".bib"
	bib := get(b, bibPath)
	if n := bytes.Count(bib, []byte("@misc{")); n != 10_000 {
		b.Fatalf("export holds %d entries", n)
	}
	b.Run("export-bibtex-10k", func(b *testing.B) {
		for b.Loop() {
			get(b, bibPath)
		}
	})
	b.Run("import-bibtex-10k", func(b *testing.B) {
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			slug := lb.create(b, fmt.Sprintf("import %d", i))
			b.StartTimer()
			req := httptest.NewRequest("POST", "/api/collections/"+slug+"/import", bytes.NewReader(bib))
			req.Header.Set("Authorization", "Bearer "+lb.token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"added":10000`) {
				b.Fatalf("import: %d %.300s", w.Code, w.Body.String())
			}
		}
	})
	b.Run("for-you", func(b *testing.B) { // the first request trains the interest and stores its ranking
		for b.Loop() {
			if page := get(b, "/for-you?days=14"); !bytes.Contains(page, []byte("Why:")) {
				b.Fatal("no recommendations")
			}
		}
	})
	for _, q := range []string{"", "?hide=read"} {
		b.Run("day-list"+strings.ReplaceAll(q, "?hide=", "-hide-"), func(b *testing.B) {
			for b.Loop() {
				get(b, "/papers/date/"+lb.day+q)
			}
		})
	}
}
