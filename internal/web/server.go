// Package web assembles the HTTP server: the HTML site, the JSON API and the
// feeds over one core, with probes, metrics and the middleware every
// request passes through.
package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/web/api"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/feed"
	"github.com/quire/quire/internal/web/response"
	"github.com/quire/quire/internal/web/ui"
)

// Options configure the server.
type Options struct {
	Papers    *core.Papers
	Accounts  *core.Accounts
	Community *core.Community
	Library   *core.Library
	Limits    auth.Limits // nil: auth.DefaultLimits
	// SharedLimits keeps the rate limits' buckets there (the database)
	// instead of in this replica's memory.
	SharedLimits auth.Buckets
	// E-mail: subscriptions and the digest sender (for previews).
	Subscriptions *digest.Subscriptions
	Digests       *digest.Sender
	Log           *slog.Logger
	SiteName      string
	BaseURL       string
	// CacheBytes bounds the response cache (keys and bodies); 0 disables it.
	CacheBytes int
	// AdminToken is the break-glass password of /admin (HTTP Basic), for
	// when no admin account can log in; admins otherwise use their session.
	AdminToken string
	// Proxies are the reverse proxies whose forwarding headers are believed.
	Proxies auth.Proxies
	// MetricsAllow are the networks that may read /metrics; MetricsToken
	// opens it from anywhere as a Bearer token.
	MetricsAllow []netip.Prefix
	MetricsToken string
	// Categories are the arXiv categories or archives the instance follows.
	Categories []string
	// Home is what / shows: auto, daily or new.
	Home string
	// Sources reports every source's freshness (/status and /metrics).
	Sources func(ctx context.Context) ([]core.Source, error)
	// OIDC is sign-in with an OpenID Connect provider; nil when off.
	OIDC *ui.OIDC
	// Ready checks that the database takes writes (/readyz).
	Ready func(ctx context.Context) error
	// Unavailable tells the store's errors that mean the database is away
	// for now (answered 503, not 500).
	Unavailable func(error) bool
	Jobs        ui.Jobs
	ArxivSets   []string
}

// Server is the HTTP handler of quire.
type Server struct {
	opts     Options
	mux      *http.ServeMux
	registry *prometheus.Registry
	metrics  *metrics
	cache    *cache
	handler  http.Handler
}

// New builds the server and checks every template.
func New(opts Options) (*Server, error) {
	if opts.SiteName == "" {
		opts.SiteName = "quire"
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), registry: prometheus.NewRegistry()}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.metrics = newMetrics(s.registry)
	if opts.Sources != nil {
		s.registry.MustRegister(&sourceCollector{sources: opts.Sources, log: opts.Log})
	}
	if opts.CacheBytes > 0 {
		s.cache = newCache(opts.Papers.Store, opts.CacheBytes, opts.Log)
	}
	if opts.Limits == nil {
		opts.Limits = auth.DefaultLimits
	}
	limiter := auth.NewLimiter(opts.Limits)
	if opts.SharedLimits != nil {
		limiter = auth.NewSharedLimiter(opts.Limits, opts.SharedLimits)
	}
	pages, err := ui.New(opts.Papers, opts.Accounts, opts.Community, limiter, opts.Log, opts.SiteName)
	if err != nil {
		return nil, err
	}
	pages.Library = opts.Library
	pages.Subs, pages.Digests, pages.OIDC, pages.Categories, pages.Home, pages.Sources = opts.Subscriptions, opts.Digests, opts.OIDC, opts.Categories, opts.Home, opts.Sources
	cached := func(pattern string, fn http.HandlerFunc) { s.handle(pattern, fn, true) }
	uncached := func(pattern string, fn http.HandlerFunc) { s.handle(pattern, fn, false) }
	pages.AdminRoutes(uncached, opts.AdminToken, opts.Jobs, opts.ArxivSets, limiter)
	pages.ActionRoutes(uncached)
	pages.Routes(cached)
	apis := &api.Handler{Papers: opts.Papers, Community: opts.Community, Library: opts.Library, Limiter: limiter, Log: opts.Log}
	apis.Routes(cached)
	apis.WriteRoutes(uncached)
	apis.LibraryRoutes(uncached)
	apis.AccountRoutes(uncached)
	(&feed.Handler{Papers: opts.Papers, Library: opts.Library, Log: opts.Log, SiteName: opts.SiteName, BaseURL: opts.BaseURL, Categories: opts.Categories}).Routes(cached)
	s.handle("GET /healthz", s.healthz, false)
	s.handle("GET /readyz", s.readyz, false)
	s.mux.Handle("GET /metrics", s.metricsGuard(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})))
	// Every state change from a browser must come from this site's own
	// pages: cross-origin POST/DELETE are refused (Sec-Fetch-Site / Origin).
	// Clients with a Bearer token send neither header and pass.
	var h http.Handler = s.mux
	if opts.Accounts != nil {
		h = auth.Middleware(opts.Accounts, h)
	}
	h = http.NewCrossOriginProtection().Handler(h)
	compress, err := compressor()
	if err != nil {
		return nil, err
	}
	s.handler = compress(opts.Proxies.Middleware(limitBody(h)))
	return s, nil
}

// handle registers fn with the per-route middleware: metrics labelled by the
// route pattern (bounded cardinality), panic recovery and, for cacheable
// pages, the response cache.
func (s *Server) handle(pattern string, fn http.HandlerFunc, cacheable bool) {
	var h http.Handler = fn
	if cacheable && s.cache != nil {
		h = s.cache.wrap(h)
	}
	s.mux.Handle(pattern, s.metrics.wrap(pattern, recoverer(s.opts.Log, h)))
	// metrics.wrap passes its *statusRecorder down, which recoverer uses to
	// know whether the response has started.
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	if s.opts.Unavailable != nil {
		r = r.WithContext(response.WithUnavailable(r.Context(), s.opts.Unavailable))
	}
	s.handler.ServeHTTP(w, r)
}

// healthz says the process is alive and can read; readyz that it can take
// writes (a load balancer sends traffic only to ready replicas).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.opts.Papers.Store.Version(r.Context()); err != nil {
		s.opts.Log.Error("health check failed", slog.Any("error", err))
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// securityHeaders keep pages to their own origin: no third-party script,
// style or frame can run even if escaping failed somewhere.
// The values are shared slices, set without allocating on every request.
var (
	cspValue      = []string{"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"}
	nosniffValue  = []string{"nosniff"}
	referrerValue = []string{"strict-origin-when-cross-origin"}
)

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(r.Context()); err != nil {
			s.opts.Log.Error("readiness check failed", slog.Any("error", err))
			w.Header().Set("Retry-After", response.RetryAfterUnavailable)
			http.Error(w, "not ready: the database does not take writes", http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ready\n"))
}

// metricsGuard opens /metrics to the allowed networks (by the client's
// address, as forwarded by a trusted proxy) or to the metrics token.
func (s *Server) metricsGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.opts.MetricsToken; tok != "" {
			if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") &&
				subtle.ConstantTimeCompare([]byte(h[7:]), []byte(tok)) == 1 {
				next.ServeHTTP(w, r)
				return
			}
		}
		addr := auth.ClientAddr(r)
		for _, n := range s.opts.MetricsAllow {
			if n.Contains(addr) {
				next.ServeHTTP(w, r)
				return
			}
		}
		http.Error(w, "forbidden: /metrics is open to --metrics-allow networks or with --metrics-token", http.StatusForbidden)
	})
}

// MaxBody bounds every request body: forms and JSON here are small, and
// a visitor must not make the server hold or spool megabytes (multipart
// file parts included, which ParseMultipartForm would write to disk).
const MaxBody = 64 << 10

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, upload := int64(MaxBody), isImport(r)
		if upload {
			limit = core.MaxImportBytes
		}
		if r.ContentLength > limit {
			http.Error(w, fmt.Sprintf("request body too large (at most %d KB)", limit>>10), http.StatusRequestEntityTooLarge)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") && !upload {
			http.Error(w, "multipart bodies are not accepted; send application/x-www-form-urlencoded or JSON", http.StatusUnsupportedMediaType)
			return
		}
		if auth.IsHTTPS(r) {
			w.Header()["Strict-Transport-Security"] = hstsValue
		}
		next.ServeHTTP(w, r)
	})
}

// isImport tells the routes that take a bibliography file: a bigger body
// (read by the handler, after it checks the login), multipart from the
// collection page's upload form.
func isImport(r *http.Request) bool {
	p := r.URL.Path
	return r.Method == http.MethodPost && strings.HasSuffix(p, "/import") &&
		(strings.HasPrefix(p, "/api/collections/") || strings.HasPrefix(p, "/u/") || p == "/api/import" || p == "/settings/import")
}

var hstsValue = []string{"max-age=63072000"}

func securityHeaders(h http.Header) {
	h["Content-Security-Policy"] = cspValue
	h["X-Content-Type-Options"] = nosniffValue
	h["Referrer-Policy"] = referrerValue
}

// AccessLog logs one line per request at Info (Debug for probes). When Info
// is off (the benchmark runs at warn) it costs nothing.
func AccessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !log.Enabled(r.Context(), slog.LevelDebug) && !log.Enabled(r.Context(), slog.LevelInfo) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			level = slog.LevelDebug
		}
		log.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000))
	})
}
