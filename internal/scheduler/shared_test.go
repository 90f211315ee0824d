package scheduler

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
)

func replica(leases Leases, holder string, run func(context.Context) error) *Scheduler {
	s := New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Leases, s.Holder, s.LeaseTTL, s.LeaseRetry = leases, holder, 150*time.Millisecond, 20*time.Millisecond
	s.Add(Job{Name: "harvest", Shared: true, Next: func(now time.Time) time.Time { return now.Add(time.Hour) }, Run: run})
	return s
}

// Two replicas asked to run one shared job for one due time: it runs once.
func TestSharedJobRunsOnce(t *testing.T) {
	db := sqlitetest.MustOpen(t)
	var runs atomic.Int32
	run := func(ctx context.Context) error {
		runs.Add(1)
		time.Sleep(100 * time.Millisecond) // long enough for the other to wait
		return nil
	}
	a, b := replica(db, "a", run), replica(db, "b", run)
	due := time.Now()
	ctx := context.Background()
	done := make(chan struct{}, 2)
	for _, s := range []*Scheduler{a, b} {
		go func() {
			s.runWithRetries(ctx, s.jobs["harvest"], due)
			done <- struct{}{}
		}()
	}
	<-done
	<-done
	if runs.Load() != 1 {
		t.Errorf("the job ran %d times for one due time on two replicas", runs.Load())
	}
	if d, _ := db.LeaseDone(ctx, "job:harvest"); !d.Equal(time.UnixMilli(due.UnixMilli()).UTC()) {
		t.Errorf("done until %s, want %s", d, due)
	}
	// The next due time runs again.
	a.runWithRetries(ctx, a.jobs["harvest"], due.Add(time.Hour))
	if runs.Load() != 2 {
		t.Errorf("the next due time did not run: %d runs", runs.Load())
	}
}

// A replica that dies holding the lease (it stops renewing) is replaced
// once the lease expires; a run cut off by a lost lease is not recorded.
func TestSharedJobTakenOverFromADeadReplica(t *testing.T) {
	db := sqlitetest.MustOpen(t)
	ctx := context.Background()
	if ok, err := db.AcquireLease(ctx, "job:harvest", "dead", 150*time.Millisecond); !ok || err != nil {
		t.Fatal(ok, err)
	}
	var runs atomic.Int32
	b := replica(db, "b", func(context.Context) error { runs.Add(1); return nil })
	start := time.Now()
	b.runWithRetries(ctx, b.jobs["harvest"], start)
	if runs.Load() != 1 {
		t.Fatalf("the waiting replica did not take the job over: %d runs", runs.Load())
	}
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("took the job over after %s, before the dead holder's lease expired", took)
	}
	// A holder that loses its lease mid-run is stopped.
	lost := replica(db, "c", func(ctx context.Context) error {
		// Someone else holds the lease now (this holder was presumed dead).
		if _, err := db.W.ExecContext(ctx, `UPDATE job_leases SET holder = 'd', expires_at = $1`, time.Now().Add(time.Hour).UnixMilli()); err != nil {
			return err
		}
		<-ctx.Done()
		return ctx.Err()
	})
	lost.runWithRetries(ctx, lost.jobs["harvest"], start.Add(time.Hour))
	if st := lost.Statuses()[0]; st.LastErr == "" {
		t.Error("a run that lost its lease reported success")
	}
	if d, _ := db.LeaseDone(ctx, "job:harvest"); d.After(start.Add(time.Minute)) {
		t.Errorf("a run that lost its lease was recorded as done (%s)", d)
	}
}
