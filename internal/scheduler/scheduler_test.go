package scheduler

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestNextAnnouncement(t *testing.T) {
	et, _ := time.LoadLocation("America/New_York")
	for _, tc := range []struct{ now, want string }{
		{"2026-11-27T12:00", "2026-11-29T22:30"}, // Friday noon → Sunday
		{"2026-11-28T23:00", "2026-11-29T22:30"}, // Saturday night → Sunday
		{"2026-11-29T21:00", "2026-11-29T22:30"}, // Sunday after 20:00, before the harvest time
		{"2026-11-29T22:30", "2026-11-30T22:30"}, // exactly at it → the next day
		{"2026-12-03T23:00", "2026-12-06T22:30"}, // Thursday late → Sunday
		{"2026-03-08T12:00", "2026-03-08T22:30"}, // the day clocks go forward
	} {
		now, _ := time.ParseInLocation("2006-01-02T15:04", tc.now, et)
		got := NextAnnouncement(now, 150*time.Minute).In(et).Format("2006-01-02T15:04")
		if got != tc.want {
			t.Errorf("NextAnnouncement(%s) = %s, want %s", tc.now, got, tc.want)
		}
	}
}

func TestTriggerRetryAndNoOverlap(t *testing.T) {
	var runs, concurrent, maxConcurrent atomic.Int32
	fail := atomic.Bool{}
	fail.Store(true)
	s := New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Add(Job{Name: "harvest", Retries: 2, RetryDelay: 10 * time.Millisecond,
		Next: func(now time.Time) time.Time { return now.Add(time.Hour) },
		Run: func(ctx context.Context) error {
			c := concurrent.Add(1)
			defer concurrent.Add(-1)
			if c > maxConcurrent.Load() {
				maxConcurrent.Store(c)
			}
			runs.Add(1)
			time.Sleep(5 * time.Millisecond)
			if fail.Load() {
				return errors.New("arXiv is down")
			}
			return nil
		}})
	ctx, cancel := context.WithCancel(context.Background())
	s.Start(ctx)
	for range 5 {
		s.Trigger("harvest") // a burst of clicks: one pending run at most
	}
	waitFor(t, func() bool { st := s.Statuses()[0]; return !st.Running && st.Failures == 3 })
	if runs.Load() < 3 || runs.Load() > 4 || maxConcurrent.Load() != 1 {
		t.Errorf("runs %d (want 1 + 2 retries, plus at most one queued click), concurrent %d", runs.Load(), maxConcurrent.Load())
	}
	if st := s.Statuses()[0]; st.LastErr != "arXiv is down" || st.Next.IsZero() {
		t.Errorf("status = %+v", st)
	}
	fail.Store(false)
	s.Trigger("harvest")
	waitFor(t, func() bool { st := s.Statuses()[0]; return st.Failures == 0 && !st.Running })
	if s.Trigger("nope") {
		t.Error("triggered an unknown job")
	}
	cancel()
	s.Wait()
}

func TestPanicIsAFailure(t *testing.T) {
	s := New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Add(Job{Name: "p", Next: func(now time.Time) time.Time { return now.Add(time.Hour) },
		Run: func(context.Context) error { panic("boom") }})
	ctx, cancel := context.WithCancel(context.Background())
	s.Start(ctx)
	s.Trigger("p")
	waitFor(t, func() bool { return s.Statuses()[0].LastErr == "panic: boom" })
	cancel()
	s.Wait()
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
