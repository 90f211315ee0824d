package web

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
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
//
// A visitor controls the URL, so the cache is bounded in bytes (keys
// included), not in entries, and only canonical URLs are kept: every query
// parameter must be one the site reads, once, and short. Anything else is
// served but not cached, so extra parameters cannot multiply the entries.
type cache struct {
	store    versioner
	maxBytes int
	maxEntry int
	log      *slog.Logger

	mu      sync.Mutex
	version int64
	bytes   int
	lru     *list.List // front: most recently used; values are *cached
	entries map[string]*list.Element
}

type cached struct {
	key    string
	status int
	header http.Header
	body   []byte
	etag   string
	length []string // Content-Length, so the body goes out in one piece, not chunked
}

// entryOverhead approximates what an entry costs beside its key and body
// (headers, list element, map slot).
const entryOverhead = 512

// cacheParams are the query parameters some page, feed or API route reads.
// A URL with any other parameter is not cached.
var cacheParams = map[string]bool{
	"q": true, "p": true, "limit": true, "date": true, "week": true, "month": true, "sort": true,
	"category": true, "from": true, "to": true, "org": true, "has_code": true, "submitter": true,
	"window": true, "cursor": true,
}

// maxParamLen bounds each cached parameter value (a search query is short).
const maxParamLen = 256

func newCache(store versioner, maxBytes int, log *slog.Logger) *cache {
	return &cache{store: store, maxBytes: maxBytes, maxEntry: min(2<<20, maxBytes/8), log: log,
		lru: list.New(), entries: map[string]*list.Element{}}
}

// cacheKey is the canonical form of r's URL (parameters sorted), or false
// when the URL is not one the cache keeps.
func cacheKey(r *http.Request) (string, bool) {
	key, ok := urlKey(r)
	// A paper page answers Markdown to an Accept that asks for it (Vary:
	// Accept); every other Accept gets the same answer, so one more
	// variant is enough.
	if ok && strings.Contains(r.Header.Get("Accept"), "markdown") {
		key += " md"
	}
	return key, ok
}

func urlKey(r *http.Request) (string, bool) {
	if r.URL.RawQuery == "" {
		return r.Host + " " + r.URL.EscapedPath(), true
	}
	if len(r.URL.RawQuery) > 4*maxParamLen {
		return "", false
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", false
	}
	for k, vs := range q {
		if !cacheParams[k] || len(vs) != 1 || len(vs[0]) > maxParamLen {
			return "", false
		}
	}
	return r.Host + " " + r.URL.EscapedPath() + "?" + q.Encode(), true
}

func (c *cache) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Personal answers (logged in, or an API token) are never cached.
		if r.Method != http.MethodGet || auth.HasSessionCookie(r) || r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		key, ok := cacheKey(r)
		if !ok || len(r.Host) > 255 {
			next.ServeHTTP(w, r)
			return
		}
		v, err := c.store.Version(r.Context())
		if err != nil {
			c.log.Warn("cache: store version unavailable; not caching", slog.Any("error", err))
			next.ServeHTTP(w, r)
			return
		}
		if e := c.get(v, key); e != nil {
			e.write(w, r)
			return
		}
		rec := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		e := &cached{key: key, status: rec.status, header: rec.header, body: rec.buf.Bytes()}
		e.length = []string{strconv.Itoa(len(e.body))}
		if e.status == http.StatusOK {
			sum := sha256.Sum256(e.body)
			e.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
			if e.size() <= c.maxEntry {
				c.put(v, e)
			}
		}
		e.write(w, r)
	})
}

func (e *cached) size() int { return len(e.key) + len(e.body) + entryOverhead }

func (c *cache) get(v int64, key string) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		return nil
	}
	el := c.entries[key]
	if el == nil {
		return nil
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cached)
}

func (c *cache) put(v int64, e *cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		// Versions are compared for equality only. A slow request that
		// read an older version may reset the cache to it; lookups under
		// the current version then miss, and the next render resets it back.
		c.version, c.bytes = v, 0
		c.lru.Init()
		clear(c.entries)
	}
	if old := c.entries[e.key]; old != nil {
		c.remove(old)
	}
	for c.bytes+e.size() > c.maxBytes && c.lru.Len() > 0 {
		c.remove(c.lru.Back()) // least recently used
	}
	c.entries[e.key] = c.lru.PushFront(e)
	c.bytes += e.size()
}

func (c *cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cached)
	delete(c.entries, e.key)
	c.bytes -= e.size()
}

// stats reports the entries and bytes held, for tests and metrics.
func (c *cache) stats() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}

func (e *cached) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, vs := range e.header {
		if k == "Vary" {
			h[k] = append(h[k], vs...) // the compressor's Accept-Encoding stays
			continue
		}
		h[k] = vs
	}
	if e.etag != "" {
		h.Set("ETag", e.etag)
	}
	if e.status == http.StatusOK && response.NotModified(w, r) {
		return
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
