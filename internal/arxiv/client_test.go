package arxiv

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A request waiting for the one arXiv connection gives up when its own
// context ends: a visitor's submit does not queue behind a harvest that
// holds the connection while arXiv is slow.
func TestWaitingRequestHonoursItsContext(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	defer close(release)
	c := NewClient("quire-test", slog.New(slog.DiscardHandler))
	c.Interval = 0
	first := make(chan error, 1)
	go func() {
		_, err := c.Get(context.Background(), srv.URL)
		first <- err
	}()
	<-started // the first request holds the connection
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, srv.URL)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting request: %v, want its deadline", err)
	}
	select {
	case err := <-first:
		t.Fatalf("the first request ended first (%v): the test proves nothing", err)
	default:
	}
}

// FuzzRateLimit: any RateLimit header parses without a panic, to a
// bounded wait.
func FuzzRateLimit(f *testing.F) {
	for _, s := range []string{`"api";r=0;t=254`, `limit=10, remaining=0, reset=30`, `r=;t=-1`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		left, reset, ok := parseRateLimit(s)
		if reset < 0 || reset > 15*time.Minute || (ok && left < 0) {
			t.Fatalf("parseRateLimit(%q) = %d, %s, %v", s, left, reset, ok)
		}
	})
}
