package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Leases is what the scheduler needs of the database to run a shared job
// once across the replicas of an instance (store.ClusterStore).
type Leases interface {
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string, done time.Time) error
	LeaseDone(ctx context.Context, name string) (time.Time, error)
}

// Lease defaults: a holder renews every LeaseTTL/3; a replica waiting for a
// due job asks again every LeaseRetry, so a holder that died is replaced
// within LeaseTTL + LeaseRetry (40 s).
const (
	DefaultLeaseTTL   = 30 * time.Second
	DefaultLeaseRetry = 10 * time.Second
)

// errLeaseLost ends a run whose lease could not be renewed: another
// replica may have taken the job over.
var errLeaseLost = errors.New("scheduler: the job's lease was lost")

// runShared runs a shared job's run due at due on one replica only: the one
// that holds its lease. The others wait while it runs and skip the run once
// it is recorded as done; when the holder dies its lease expires and a
// waiting replica takes the run over.
func (s *Scheduler) runShared(ctx context.Context, e *entry, due time.Time) error {
	name := "job:" + e.job.Name
	due = time.UnixMilli(due.UnixMilli()) // as stored
	ttl, retry := s.LeaseTTL, s.LeaseRetry
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	if retry <= 0 {
		retry = DefaultLeaseRetry
	}
	for {
		done, err := s.Leases.LeaseDone(ctx, name)
		if err != nil {
			return err
		}
		if !done.Before(due) {
			s.Log.Debug("job done by another replica", slog.String("job", e.job.Name), slog.Time("due", due))
			return nil
		}
		ok, err := s.Leases.AcquireLease(ctx, name, s.Holder, ttl)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retry):
		}
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-t.C:
				if ok, err := s.Leases.AcquireLease(runCtx, name, s.Holder, ttl); !ok || err != nil {
					cancel(errors.Join(errLeaseLost, err))
					return
				}
			}
		}
	}()
	err := s.safeRun(runCtx, e)
	if cause := context.Cause(runCtx); err != nil && errors.Is(cause, errLeaseLost) {
		err = errors.Join(err, cause)
	}
	cancel(nil)
	<-renewed
	var doneAt time.Time
	if err == nil {
		doneAt = due
	}
	if rerr := s.Leases.ReleaseLease(context.WithoutCancel(ctx), name, s.Holder, doneAt); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return err
}
