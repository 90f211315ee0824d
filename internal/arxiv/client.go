package arxiv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default endpoints and arXiv's rate rule: one request every three seconds,
// one connection at a time, across all of an operator's machines.
const (
	DefaultOAIEndpoint   = "https://oaipmh.arxiv.org/oai"
	DefaultQueryEndpoint = "https://export.arxiv.org/api/query"
	DefaultInterval      = 3 * time.Second
	maxBody              = 512 << 20
)

// Client fetches politely (arXiv, Hugging Face): requests are serialised on
// one connection and spaced by Interval; 503 and 429 with Retry-After are
// honoured, a spent RateLimit quota is waited out, other 5xx, 429s and
// network errors back off exponentially, up to MaxRetries.
type Client struct {
	HTTP          *http.Client
	UserAgent     string
	Interval      time.Duration
	MaxRetries    int
	MaxRetryAfter time.Duration // cap on one Retry-After wait
	Log           *slog.Logger
	// Sleep waits or returns ctx's error; tests replace it to record waits.
	Sleep func(ctx context.Context, d time.Duration) error

	// turn is held by the one request in flight (arXiv's one-connection
	// rule); a channel, not a mutex, so that a waiting request gives up
	// when its context ends instead of queueing behind a long harvest.
	turn      chan struct{}
	once      sync.Once
	last      time.Time
	notBefore time.Time // a RateLimit header said the quota is spent until then
}

func (c *Client) acquire(ctx context.Context) error {
	c.once.Do(func() { c.turn = make(chan struct{}, 1) })
	select {
	case c.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the arXiv connection: %w", ctx.Err())
	}
}

// NewClient returns a client with arXiv's rules and a descriptive
// User-Agent naming the instance's contact.
func NewClient(userAgent string, log *slog.Logger) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = 1, 1
	return &Client{HTTP: &http.Client{Transport: tr, Timeout: 5 * time.Minute}, UserAgent: userAgent,
		Interval: DefaultInterval, MaxRetries: 5, MaxRetryAfter: 10 * time.Minute, Log: log, Sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// HTTPError is a final non-2xx answer.
type HTTPError struct {
	URL    string
	Status int
}

func (e *HTTPError) Error() string { return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.Status) }

// Get fetches url and returns the body of a 2xx answer.
func (c *Client) Get(ctx context.Context, url string) ([]byte, error) {
	if err := c.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-c.turn }()
	backoff := c.Interval
	var lastErr error
	for attempt := 0; attempt <= c.MaxRetries; attempt++ {
		wait := c.Interval - time.Since(c.last)
		if until := time.Until(c.notBefore); until > wait {
			wait = until
			c.Log.Info("rate limit quota spent; waiting", slog.String("url", url), slog.Duration("wait", wait))
		}
		if wait > 0 {
			if err := c.Sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
		body, retryAfter, err := c.do(ctx, url)
		c.last = time.Now()
		if err == nil {
			return body, nil
		}
		lastErr = err
		var he *HTTPError
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case retryAfter > 0:
			wait := min(retryAfter, c.MaxRetryAfter)
			c.Log.Info("arXiv asked to retry later", slog.String("url", url), slog.Duration("retry_after", wait))
			if err := c.Sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		case errors.As(err, &he) && he.Status < 500 && he.Status != http.StatusTooManyRequests:
			return nil, err // a client error does not get better by retrying
		}
		c.Log.Warn("arXiv request failed; backing off", slog.String("url", url), slog.Int("attempt", attempt+1),
			slog.Duration("backoff", backoff), slog.Any("error", err))
		if err := c.Sleep(ctx, backoff); err != nil {
			return nil, err
		}
		backoff *= 2
	}
	return nil, fmt.Errorf("giving up after %d attempts: %w", c.MaxRetries+1, lastErr)
}

// do does one request; retryAfter > 0 when the answer was 503 with a
// Retry-After header.
func (c *Client) do(ctx context.Context, url string) (body []byte, retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("User-Agent", c.UserAgent)
	res, err := c.HTTP.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	if left, reset, ok := parseRateLimit(res.Header.Get("RateLimit")); ok && left == 0 {
		c.notBefore = time.Now().Add(reset)
	}
	if res.StatusCode/100 != 2 {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
		if res.StatusCode == http.StatusServiceUnavailable || res.StatusCode == http.StatusTooManyRequests {
			retryAfter = parseRetryAfter(res.Header.Get("Retry-After"))
		}
		return nil, retryAfter, &HTTPError{URL: url, Status: res.StatusCode}
	}
	body, err = io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, fmt.Errorf("GET %s: truncated response: %w", url, err)
		}
		return nil, 0, err
	}
	if len(body) > maxBody {
		return nil, 0, fmt.Errorf("GET %s: response larger than %d MB", url, maxBody>>20)
	}
	return body, 0, nil
}

// parseRateLimit reads the IETF RateLimit header (draft-ietf-httpapi-
// ratelimit-headers), as Hugging Face sends it: `"api";r=487;t=254`, r the
// requests left in the window and t the seconds until it resets.
func parseRateLimit(v string) (left int, reset time.Duration, ok bool) {
	if v == "" {
		return 0, 0, false
	}
	left = -1
	for _, part := range strings.Split(strings.SplitN(v, ",", 2)[0], ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 0 {
			continue
		}
		switch k {
		case "r", "remaining":
			left = n
		case "t", "reset":
			reset = seconds(n, 15*time.Minute)
		}
	}
	return left, reset, left >= 0
}

// seconds is n seconds, at most limit: a server's number of seconds can be
// any size, and time.Duration(n)*time.Second wraps to a negative wait past
// 292 years (found by FuzzRateLimit: t=2001700000000).
func seconds(n int, limit time.Duration) time.Duration {
	if n >= int(limit/time.Second) {
		return limit
	}
	return time.Duration(n) * time.Second
}

// parseRetryAfter reads seconds or an HTTP date; 0 when absent or invalid.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return max(seconds(n, 24*time.Hour), time.Second) // the caller caps it at MaxRetryAfter
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), time.Second)
	}
	return 0
}
