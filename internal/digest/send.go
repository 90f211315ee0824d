package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/mail"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Sender builds and sends digests.
type Sender struct {
	Store  store.Store
	Papers *core.Papers
	// Following returns the papers of the last days that user follows
	// (nil: no such section).
	Following func(ctx context.Context, user string, days int) ([]*model.Paper, error)
	// Recommend ranks the papers of the last days for each of user's
	// interests (nil: no such sections).
	Recommend func(ctx context.Context, user string, days int) ([]core.ForYouSection, error)
	Mailer    mail.Mailer
	Signer    *Signer
	Site      Site
	Log       *slog.Logger

	TopN        int           // papers in the main list
	Retries     int           // per message, for temporary SMTP errors
	RetryDelay  time.Duration // doubles on every retry
	MaxFailures int           // permanent failures before an address is bouncing
	Lease       time.Duration // how long a claim is reserved (DefaultLease when 0)
}

// runCache holds what many subscribers of one run share: rendered papers
// and the results of saved searches. Each run has its own, so a preview
// (or a second run) beside it shares nothing.
type runCache struct {
	items    itemCache
	searches map[string][]*model.Paper
}

// RunResult sums up a run.
type RunResult struct {
	Period  string
	Sent    int
	Skipped int // already sent by an earlier (interrupted) run
	Failed  int
}

// Build assembles sub's digest of the period before date.
func (s *Sender) Build(ctx context.Context, sub *model.Subscription, date model.Date, top []*model.Paper) (*Digest, error) {
	return s.build(ctx, sub, date, top, nil)
}

func (s *Sender) build(ctx context.Context, sub *model.Subscription, date model.Date, top []*model.Paper, rc *runCache) (*Digest, error) {
	p, key, err := Period(sub.Frequency, date)
	if err != nil {
		return nil, err
	}
	if top == nil {
		if top, err = s.top(ctx, p); err != nil {
			return nil, err
		}
	}
	d := &Digest{Subscription: sub, Period: p, PeriodKey: key, Papers: top}
	if sub.User == "" {
		return d, nil
	}
	searches, err := s.Store.FindSavedSearches(ctx, sub.User)
	if err != nil {
		return nil, err
	}
	for _, q := range searches {
		var found []*model.Paper
		ok := false
		if rc != nil {
			found, ok = rc.searches[q.Query]
		}
		if !ok {
			if found, err = s.Papers.SearchPapers(ctx, q.Query, 50); err != nil {
				return nil, err
			}
			if rc != nil {
				rc.searches[q.Query] = found
			}
		}
		sec := Section{Query: q.Query}
		for _, fp := range found {
			if inPeriod(fp, p) && len(sec.Papers) < 5 {
				sec.Papers = append(sec.Papers, fp)
			}
		}
		d.Sections = append(d.Sections, sec)
	}
	days := int(p.End.Time().Sub(p.Start.Time()).Hours()/24) + 1
	if s.Recommend != nil {
		secs, err := s.Recommend(ctx, sub.User, days)
		if err != nil {
			return nil, err
		}
		for _, fs := range secs {
			sec := Section{Interest: fs.Interest.Name}
			for _, r := range fs.Papers[:min(len(fs.Papers), 5)] {
				sec.Papers = append(sec.Papers, r.Paper)
			}
			if len(sec.Papers) > 0 {
				d.Sections = append(d.Sections, sec)
			}
		}
	}
	if s.Following != nil {
		followed, err := s.Following(ctx, sub.User, days)
		if err != nil {
			return nil, err
		}
		if len(followed) > 0 {
			d.Sections = append(d.Sections, Section{Following: true, Papers: followed[:min(len(followed), 10)]})
		}
	}
	return d, nil
}

func inPeriod(p *model.Paper, per model.Period) bool {
	if p.Daily != nil && per.Contains(p.Daily.Day) {
		return true
	}
	return !p.PublishedAt.IsZero() && per.Contains(model.DateOf(p.PublishedAt))
}

func (s *Sender) top(ctx context.Context, p model.Period) ([]*model.Paper, error) {
	n := s.TopN
	if n == 0 {
		n = 10
	}
	ps, _, err := s.Papers.List(ctx, core.ListQuery{Period: &p, Limit: n})
	return ps, err
}

// Run sends the digests of frequency for the period before date to every
// active subscriber. Each message is claimed ("sending", with a lease)
// before the SMTP transaction and logged "sent" just before the server
// accepts it, so a run that is killed and started again sends every
// remaining digest once and none twice, and two runs at once split the
// work.
func (s *Sender) Run(ctx context.Context, frequency string, date model.Date) (*RunResult, error) {
	p, key, err := Period(frequency, date)
	if err != nil {
		return nil, err
	}
	res := &RunResult{Period: key}
	rc := &runCache{items: itemCache{}, searches: map[string][]*model.Paper{}}
	top, err := s.top(ctx, p)
	if err != nil {
		return res, err
	}
	if len(top) == 0 {
		s.Log.Info("no papers in the period; nothing to send", slog.String("period", key))
		return res, nil
	}
	var after int64
	var held []*model.Subscription
	var until time.Time
	for {
		subs, err := s.Store.ActiveSubscriptions(ctx, frequency, after, 500)
		if err != nil {
			return res, err
		}
		if len(subs) == 0 {
			break
		}
		for _, sub := range subs {
			after = sub.ID
			if err := s.runOne(ctx, sub, date, key, top, rc, res, func(h *heldError) {
				held = append(held, sub)
				until = maxTime(until, h.until)
			}); err != nil {
				return res, err
			}
		}
	}
	// Digests another sender claimed and had not sent: look again every
	// second (most are sent by then) and take over those whose lease ran
	// out unsent (that sender died).
	for len(held) > 0 {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(min(time.Second, time.Until(until)+10*time.Millisecond)):
		}
		again := held
		held, until = nil, time.Time{}
		for _, sub := range again {
			if err := s.runOne(ctx, sub, date, key, top, rc, res, func(h *heldError) {
				held = append(held, sub)
				until = maxTime(until, h.until)
			}); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// runOne sends sub's digest and counts the outcome; it returns an error
// only when the run must stop.
func (s *Sender) runOne(ctx context.Context, sub *model.Subscription, date model.Date, key string, top []*model.Paper,
	rc *runCache, res *RunResult, onHeld func(*heldError)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var held *heldError
	switch err := s.sendOne(ctx, sub, date, key, top, rc); {
	case err == nil:
		res.Sent++
	case errors.Is(err, errAlreadySent):
		res.Skipped++
	case errors.As(err, &held):
		onHeld(held)
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		res.Failed++
		s.Log.Warn("digest not sent", slog.Int64("subscription", sub.ID), slog.Any("error", err))
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

var errAlreadySent = errors.New("already sent")

// heldError: another sender holds the claim until its lease ends. If that
// sender died, the digest is still owed, so Run comes back to it.
type heldError struct{ until time.Time }

func (e *heldError) Error() string {
	return "claimed by another sender until " + e.until.Format(time.RFC3339)
}

func (s *Sender) sendOne(ctx context.Context, sub *model.Subscription, date model.Date, key string, top []*model.Paper, rc *runCache) error {
	d, err := s.build(ctx, sub, date, top, rc)
	if err != nil {
		return err
	}
	msg, err := compose(s.Site, d, s.Signer.Sign(PurposeUnsubscribe, sub.ID, time.Time{}), rc.items)
	if err != nil {
		return err
	}
	// Claimed in the database before the SMTP transaction: of two senders
	// for one period (two replicas, or a rerun beside a live run) exactly
	// one sends each digest.
	log := &store.DigestSend{SubscriptionID: sub.ID, Period: key, MessageID: msg.MessageID, LeaseUntil: time.Now().Add(s.lease())}
	claimed, err := s.Store.ClaimDigestSend(ctx, log)
	if err != nil {
		return err
	}
	if !claimed {
		prev, err := s.Store.FindDigestSend(ctx, sub.ID, key)
		if err == nil && prev.Status == store.SendSending {
			return &heldError{until: prev.LeaseUntil}
		}
		return errAlreadySent
	}
	delay := s.RetryDelay
	for try := 0; ; try++ {
		err = s.Mailer.Send(ctx, msg, func() error {
			log.Status = store.SendSent
			return s.Store.SaveDigestSend(ctx, log)
		})
		if err == nil {
			return nil
		}
		if mail.IsPermanent(err) {
			log.Status = store.SendFailed
			_ = s.Store.SaveDigestSend(ctx, log)
			return errors.Join(err, s.Store.RecordFailure(ctx, sub.ID, trimError(err), true, s.maxFailures()))
		}
		if try >= s.Retries || ctx.Err() != nil {
			log.Status = store.SendFailed
			_ = s.Store.SaveDigestSend(context.WithoutCancel(ctx), log)
			_ = s.Store.RecordFailure(context.WithoutCancel(ctx), sub.ID, trimError(err), false, s.maxFailures())
			return fmt.Errorf("after %d tries: %w", try+1, err)
		}
		s.Log.Info("SMTP failed; retrying", slog.Duration("in", delay), slog.Any("error", err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay *= 2
		// Still ours: the lease is extended over the wait.
		log.Attempts++
		log.Status, log.LeaseUntil = store.SendSending, time.Now().Add(s.lease())
		if err := s.Store.SaveDigestSend(ctx, log); err != nil {
			return err
		}
	}
}

// DefaultLease is how long a claimed digest is reserved for its sender:
// longer than one SMTP transaction (the dial and each command time out
// within it). A sender that dies holds its unsent claims this long; then
// any run takes them over.
const DefaultLease = 2 * time.Minute

func (s *Sender) lease() time.Duration {
	if s.Lease > 0 {
		return s.Lease
	}
	return DefaultLease
}

func (s *Sender) maxFailures() int {
	if s.MaxFailures == 0 {
		return 3
	}
	return s.MaxFailures
}

func trimError(err error) string {
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300]
	}
	return strings.TrimSpace(msg)
}

// Preview builds the digest sub would get for the latest period, exactly
// as it would be sent (the unsubscribe link included).
func (s *Sender) Preview(ctx context.Context, sub *model.Subscription) (*mail.Message, error) {
	latest, err := s.Store.LatestDailyDay(ctx)
	if err != nil {
		return nil, err
	}
	date := latest.AddDays(1)
	if sub.Frequency == model.Weekly {
		date = model.WeekPeriod(latest).End
	}
	d, err := s.Build(ctx, sub, date, nil)
	if err != nil {
		return nil, err
	}
	return Compose(s.Site, d, s.Signer.Sign(PurposeUnsubscribe, sub.ID, time.Time{}))
}
