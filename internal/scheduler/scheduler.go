// Package scheduler runs quire's periodic jobs inside `quire serve`: each job
// at its next due time, never two runs of one job at once, retried with
// backoff when it fails, and runnable on demand. A failing job is logged and
// retried; it never stops the server.
package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Job is one periodic task.
type Job struct {
	Name string
	// Next returns the first due time after now.
	Next func(now time.Time) time.Time
	Run  func(ctx context.Context) error
	// Retries and RetryDelay bound the retries of a failed run (the delay
	// doubles each time); the job then waits for its next due time.
	Retries    int
	RetryDelay time.Duration
	// Shared jobs run once across the replicas of an instance (harvests,
	// syncs, digests), through the scheduler's Leases; the others (this
	// replica's index snapshot) run on every replica.
	Shared bool
}

// Status is what the admin page shows of a job.
type Status struct {
	Name     string
	Running  bool
	Next     time.Time
	LastRun  time.Time
	LastErr  string
	Failures int // consecutive
}

// Scheduler runs jobs until its context ends.
type Scheduler struct {
	Log *slog.Logger
	Now func() time.Time
	// Leases, when set, coordinate Shared jobs across replicas; Holder
	// names this replica in them. LeaseTTL and LeaseRetry default to
	// DefaultLeaseTTL and DefaultLeaseRetry.
	Leases               Leases
	Holder               string
	LeaseTTL, LeaseRetry time.Duration

	mu   sync.Mutex
	jobs map[string]*entry
	wg   sync.WaitGroup
}

type entry struct {
	job     Job
	status  Status
	trigger chan struct{}
}

// New returns an empty scheduler.
func New(log *slog.Logger) *Scheduler {
	return &Scheduler{Log: log, Now: time.Now, jobs: map[string]*entry{}}
}

// Add registers a job; call before Start.
func (s *Scheduler) Add(j Job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[j.Name] = &entry{job: j, status: Status{Name: j.Name}, trigger: make(chan struct{}, 1)}
}

// Start runs every job's loop until ctx is done; Wait waits for them.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.jobs {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.loop(ctx, e)
		}()
	}
}

// Wait blocks until every loop has returned (after the context ended).
func (s *Scheduler) Wait() { s.wg.Wait() }

// Trigger asks for a run of the named job now. It reports false when there
// is no such job; a run already due or running is not doubled.
func (s *Scheduler) Trigger(name string) bool {
	s.mu.Lock()
	e := s.jobs[name]
	s.mu.Unlock()
	if e == nil {
		return false
	}
	select {
	case e.trigger <- struct{}{}:
	default: // one is already pending
	}
	return true
}

// Statuses returns every job's status.
func (s *Scheduler) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Status, 0, len(s.jobs))
	for _, e := range s.jobs {
		out = append(out, e.status)
	}
	return out
}

func (s *Scheduler) loop(ctx context.Context, e *entry) {
	for {
		next := e.job.Next(s.Now())
		s.update(e, func(st *Status) { st.Next = next })
		timer := time.NewTimer(time.Until(next))
		due := next
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		case <-e.trigger:
			timer.Stop()
			due = s.Now() // a run asked for now, whatever ran before
		}
		s.runWithRetries(ctx, e, due)
	}
}

func (s *Scheduler) runWithRetries(ctx context.Context, e *entry, due time.Time) {
	delay := e.job.RetryDelay
	for attempt := 0; ; attempt++ {
		s.update(e, func(st *Status) { st.Running = true })
		start := s.Now()
		var err error
		if e.job.Shared && s.Leases != nil {
			err = s.runShared(ctx, e, due)
		} else {
			err = s.safeRun(ctx, e)
		}
		s.update(e, func(st *Status) {
			st.Running, st.LastRun = false, start
			if err != nil {
				st.LastErr, st.Failures = err.Error(), st.Failures+1
			} else {
				st.LastErr, st.Failures = "", 0
			}
		})
		if err == nil {
			s.Log.Info("job done", slog.String("job", e.job.Name), slog.Duration("took", s.Now().Sub(start)))
			return
		}
		s.Log.Error("job failed", slog.String("job", e.job.Name), slog.Int("attempt", attempt+1), slog.Any("error", err))
		if ctx.Err() != nil || attempt >= e.job.Retries {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		case <-e.trigger:
		}
		delay *= 2
	}
}

// safeRun turns a panic in a job into an error.
func (s *Scheduler) safeRun(ctx context.Context, e *entry) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{v}
		}
	}()
	return e.job.Run(ctx)
}

type panicError struct{ v any }

func (p *panicError) Error() string { return "panic: " + slog.AnyValue(p.v).String() }

func (s *Scheduler) update(e *entry, f func(*Status)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&e.status)
}
