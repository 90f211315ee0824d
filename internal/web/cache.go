package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/quire/quire/internal/web/auth"
)

// versioner is what the cache needs of the store.
type versioner interface {
	Version(ctx context.Context) (int64, error)
}

// cache keeps rendered GET responses until the store's data changes. Pages
// change only when papers are written, so a busy list page is rendered once
// per write instead of once per request. The store's version changes on
// every commit, by this process or another (quire ingest), so a cached page
// is never stale after a write has committed.
type cache struct {
	store versioner
	max   int
	log   *slog.Logger

	mu      sync.RWMutex
	version int64
	entries map[string]*cached
}

type cached struct {
	status int
	header http.Header
	body   []byte
	etag   string
	length []string // Content-Length, so the body goes out in one piece, not chunked
}

// maxCachedBody keeps one huge response from filling memory.
const maxCachedBody = 2 << 20

func newCache(store versioner, max int, log *slog.Logger) *cache {
	return &cache{store: store, max: max, log: log, entries: map[string]*cached{}}
}

func (c *cache) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Personal answers (logged in, or an API token) are never cached.
		if r.Method != http.MethodGet || auth.HasSessionCookie(r) || r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		v, err := c.store.Version(r.Context())
		if err != nil {
			c.log.Warn("cache: store version unavailable; not caching", slog.Any("error", err))
			next.ServeHTTP(w, r)
			return
		}
		key := r.Host + " " + r.URL.RequestURI()
		if e := c.get(v, key); e != nil {
			e.write(w, r)
			return
		}
		rec := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		e := &cached{status: rec.status, header: rec.header, body: rec.buf.Bytes()}
		e.length = []string{strconv.Itoa(len(e.body))}
		if e.status == http.StatusOK {
			sum := sha256.Sum256(e.body)
			e.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
			if len(e.body) <= maxCachedBody {
				c.put(v, key, e)
			}
		}
		e.write(w, r)
	})
}

func (c *cache) get(v int64, key string) *cached {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if v != c.version {
		return nil
	}
	return c.entries[key]
}

func (c *cache) put(v int64, key string, e *cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		// Versions are compared for equality only. A slow request that
		// read an older version may reset the cache to it; lookups under
		// the current version then miss, and the next render resets it back.
		c.version, c.entries = v, map[string]*cached{}
	}
	if len(c.entries) >= c.max {
		for k := range c.entries { // drop an arbitrary entry
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = e
}

func (e *cached) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, vs := range e.header {
		h[k] = vs
	}
	if e.etag != "" {
		h.Set("ETag", e.etag)
		if r.Header.Get("If-None-Match") == e.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h["Content-Length"] = e.length
	w.WriteHeader(e.status)
	_, _ = w.Write(e.body)
}

// bufferedWriter collects a response so that it can be cached.
type bufferedWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
	wrote  bool
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if !b.wrote {
		b.status, b.wrote = code, true
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.wrote = true
	return b.buf.Write(p)
}
