package auth

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/quire/quire/internal/model"
)

// Limit is one rate: Burst actions at once, refilled at Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// Limits are the rates per action, applied per IP and per account.
type Limits map[string]Limit

// DefaultLimits are generous for people and tight for scripts. Logins are
// limited per address ("login"), per address and account ("login-pair": a
// guesser at one address locks only itself out of that account) and per
// account from everywhere ("login-account", loose, against a guesser with
// many addresses). "subscribe-address" bounds the confirmation mails one
// address can be sent, whoever asks.
var DefaultLimits = Limits{
	"login":             {Burst: 20, Every: 15 * time.Second},
	"login-pair":        {Burst: 10, Every: 30 * time.Second},
	"login-account":     {Burst: 100, Every: 36 * time.Second},
	"admin":             {Burst: 5, Every: time.Minute},
	"subscribe-address": {Burst: 2, Every: 10 * time.Minute},
	"signup":            {Burst: 5, Every: 10 * time.Minute},
	"vote":              {Burst: 60, Every: 2 * time.Second},
	"submit":            {Burst: 10, Every: 5 * time.Minute},
	"comment":           {Burst: 10, Every: 30 * time.Second},
	"subscribe":         {Burst: 5, Every: 10 * time.Minute},
	"library":           {Burst: 120, Every: 500 * time.Millisecond},
}

// Buckets are token buckets kept outside the process (the database), so
// that replicas count against the same ones.
type Buckets interface {
	TakeToken(ctx context.Context, key string, burst int, every time.Duration) (time.Duration, error)
}

// Limiter keeps a token bucket per (action, key): in memory, per replica,
// unless shared buckets are given.
type Limiter struct {
	limits Limits
	shared Buckets
	mu     sync.Mutex
	seen   map[string]*entry
	sweep  time.Time
}

type entry struct {
	l    *rate.Limiter
	used time.Time
}

// NewLimiter returns a limiter for the given limits.
func NewLimiter(l Limits) *Limiter { return &Limiter{limits: l, seen: map[string]*entry{}} }

// NewSharedLimiter returns a limiter whose buckets are b's, shared by every
// replica that uses the same b.
func NewSharedLimiter(l Limits, b Buckets) *Limiter {
	return &Limiter{limits: l, shared: b, seen: map[string]*entry{}}
}

// Allow takes one token for action from every key's bucket; when one is
// empty it returns an ELIMIT error and how long to wait.
func (lm *Limiter) Allow(ctx context.Context, action string, keys ...string) (time.Duration, error) {
	if lm == nil {
		return 0, nil
	}
	lim, ok := lm.limits[action]
	if !ok {
		return 0, nil
	}
	if lm.shared != nil {
		return lm.allowShared(ctx, action, lim, keys)
	}
	lm.mu.Lock()
	defer lm.mu.Unlock()
	now := time.Now()
	lm.gc(now)
	for _, k := range keys {
		if !usable(k) {
			continue
		}
		e := lm.seen[action+"|"+k]
		if e == nil {
			e = &entry{l: rate.NewLimiter(rate.Every(lim.Every), lim.Burst)}
			lm.seen[action+"|"+k] = e
		}
		e.used = now
		if r := e.l.ReserveN(now, 1); !r.OK() || r.DelayFrom(now) > 0 {
			wait := r.DelayFrom(now)
			r.CancelAt(now)
			return wait, tooMany(action, wait)
		}
	}
	return 0, nil
}

// allowShared is Allow over the shared buckets.
func (lm *Limiter) allowShared(ctx context.Context, action string, lim Limit, keys []string) (time.Duration, error) {
	for _, k := range keys {
		if !usable(k) {
			continue
		}
		wait, err := lm.shared.TakeToken(ctx, action+"|"+k, lim.Burst, lim.Every)
		if err != nil {
			return 0, fmt.Errorf("rate limit: %w", err)
		}
		if wait > 0 {
			return wait, tooMany(action, wait)
		}
	}
	return 0, nil
}

// usable tells a key with a value: an empty one ("user:") would be one
// bucket for everyone.
func usable(k string) bool {
	_, v, _ := strings.Cut(k, ":")
	return k != "" && v != ""
}

func tooMany(action string, wait time.Duration) error {
	return model.Errorf(model.ELIMIT, "too many %s attempts; try again in %d s", action, int(math.Ceil(wait.Seconds())))
}

// gc drops idle buckets every minute so the map does not grow forever.
func (lm *Limiter) gc(now time.Time) {
	if now.Sub(lm.sweep) < time.Minute {
		return
	}
	lm.sweep = now
	for k, e := range lm.seen {
		if now.Sub(e.used) > time.Hour {
			delete(lm.seen, k)
		}
	}
}

// RetryAfter sets the Retry-After header for a wait.
func RetryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(max(wait, time.Second).Seconds()))))
}
