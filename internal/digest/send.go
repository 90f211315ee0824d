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
	Mailer mail.Mailer
	Signer *Signer
	Site   Site
	Log    *slog.Logger

	TopN        int           // papers in the main list
	Retries     int           // per message, for temporary SMTP errors
	RetryDelay  time.Duration // doubles on every retry
	MaxFailures int           // permanent failures before an address is bouncing

	// Per-run caches (Run is not called concurrently): rendered papers and
	// the results of saved searches, which many subscribers share.
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
		found, ok := s.searches[q.Query]
		if !ok {
			if found, err = s.Papers.SearchPapers(ctx, q.Query, 50); err != nil {
				return nil, err
			}
			if s.searches != nil {
				s.searches[q.Query] = found
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
// active subscriber. Each message is logged as "sending" before the SMTP
// transaction and as "sent" just before the server accepts it, so a run
// that is killed and started again sends every remaining digest once and
// none twice.
func (s *Sender) Run(ctx context.Context, frequency string, date model.Date) (*RunResult, error) {
	p, key, err := Period(frequency, date)
	if err != nil {
		return nil, err
	}
	res := &RunResult{Period: key}
	s.items, s.searches = itemCache{}, map[string][]*model.Paper{}
	defer func() { s.items, s.searches = nil, nil }()
	top, err := s.top(ctx, p)
	if err != nil {
		return res, err
	}
	if len(top) == 0 {
		s.Log.Info("no papers in the period; nothing to send", slog.String("period", key))
		return res, nil
	}
	var after int64
	for {
		subs, err := s.Store.ActiveSubscriptions(ctx, frequency, after, 500)
		if err != nil {
			return res, err
		}
		if len(subs) == 0 {
			return res, nil
		}
		for _, sub := range subs {
			after = sub.ID
			if err := ctx.Err(); err != nil {
				return res, err
			}
			switch err := s.sendOne(ctx, sub, date, key, top); {
			case err == nil:
				res.Sent++
			case errors.Is(err, errAlreadySent):
				res.Skipped++
			case ctx.Err() != nil:
				return res, ctx.Err()
			default:
				res.Failed++
				s.Log.Warn("digest not sent", slog.Int64("subscription", sub.ID), slog.Any("error", err))
			}
		}
	}
}

var errAlreadySent = errors.New("already sent")

func (s *Sender) sendOne(ctx context.Context, sub *model.Subscription, date model.Date, key string, top []*model.Paper) error {
	prev, err := s.Store.FindDigestSend(ctx, sub.ID, key)
	switch {
	case err == nil && prev.Status == store.SendSent:
		return errAlreadySent
	case err != nil && model.ErrorCode(err) != model.ENOTFOUND:
		return err
	}
	attempts := 0
	if prev != nil {
		attempts = prev.Attempts
	}
	d, err := s.Build(ctx, sub, date, top)
	if err != nil {
		return err
	}
	msg, err := compose(s.Site, d, s.Signer.Sign(PurposeUnsubscribe, sub.ID, time.Time{}), s.items)
	if err != nil {
		return err
	}
	delay := s.RetryDelay
	for try := 0; ; try++ {
		attempts++
		log := &store.DigestSend{SubscriptionID: sub.ID, Period: key, Status: store.SendSending, MessageID: msg.MessageID, Attempts: attempts}
		if err := s.Store.SaveDigestSend(ctx, log); err != nil {
			return err
		}
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
	}
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
