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

// FuzzRetryAfter: any Retry-After header parses without a panic to a wait
// that is never negative, however many seconds it names (the client caps
// it at MaxRetryAfter).
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "0", "-5", "99999999999999", "Wed, 21 Oct 2015 07:28:00 GMT", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d := parseRetryAfter(s); d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %s", s, d)
		}
	})
}

// TestHugeWaits: a server naming more seconds than a Duration holds gets
// the longest wait, not a negative one.
func TestHugeWaits(t *testing.T) {
	if d := parseRetryAfter("99999999999999"); d != 24*time.Hour {
		t.Errorf("Retry-After: 99999999999999 = %s, want 24h", d)
	}
	if _, reset, _ := parseRateLimit("r=0;t=2001700000000"); reset != 15*time.Minute {
		t.Errorf("t=2001700000000: reset %s, want 15m", reset)
	}
}
