package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quire/quire/internal/core"
)

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// recoverer turns a panic into a logged 500, so that no panic reaches a user
// as a dropped connection.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", slog.String("path", r.URL.Path), slog.String("panic", fmt.Sprint(v)),
					slog.String("stack", string(debug.Stack())))
				// Handlers render into buffers before writing, so nothing
				// has been sent yet in all but a failed write.
				if rec, ok := w.(*statusRecorder); !ok || !rec.wrote {
					http.Error(w, "internal error", http.StatusInternalServerError)
				}
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quire_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "quire_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) wrap(route string, next http.Handler) http.Handler {
	obs := m.duration.WithLabelValues(route)
	ok := m.requests.WithLabelValues(route, http.MethodGet, "200") // the common case, resolved once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		obs.Observe(time.Since(start).Seconds())
		if rec.status == http.StatusOK && r.Method == http.MethodGet {
			ok.Inc()
			return
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Inc()
	})
}

// sourceCollector exports every source's freshness at scrape time, so an
// alert can fire on a source that stopped bringing papers.
type sourceCollector struct {
	sources func(ctx context.Context) ([]core.Source, error)
	log     *slog.Logger
}

var (
	sourceLastSuccess = prometheus.NewDesc("quire_source_last_success_timestamp_seconds",
		"Unix time of the source's last successful run.", []string{"source"}, nil)
	sourcePapers = prometheus.NewDesc("quire_source_papers_total",
		"Papers on the source's latest listing (or Daily) day.", []string{"source"}, nil)
	sourceWarning = prometheus.NewDesc("quire_source_warning",
		"1 when the source has a warning on /status (a silent quiet day, a failing run).", []string{"source"}, nil)
)

func (c *sourceCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sourceLastSuccess
	ch <- sourcePapers
	ch <- sourceWarning
}

func (c *sourceCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srcs, err := c.sources(ctx)
	if err != nil {
		c.log.Warn("metrics: sources unavailable", slog.Any("error", err))
		return
	}
	for _, s := range srcs {
		if !s.LastSuccess.IsZero() {
			ch <- prometheus.MustNewConstMetric(sourceLastSuccess, prometheus.GaugeValue, float64(s.LastSuccess.Unix()), s.Key)
		}
		ch <- prometheus.MustNewConstMetric(sourcePapers, prometheus.GaugeValue, float64(s.DayPapers), s.Key)
		warn := 0.0
		if s.Warning != "" {
			warn = 1
		}
		ch <- prometheus.MustNewConstMetric(sourceWarning, prometheus.GaugeValue, warn, s.Key)
	}
}
