package ingest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/testutil"
)

// hfReplay serves real /api/daily_papers responses from the shared data,
// paged by limit and p as Hugging Face pages them; an unknown day is an
// empty list. Hooks change what one request gets (grown upvotes, a 429, a
// malformed or empty answer).
type hfReplay struct {
	t    *testing.T
	dir  string
	mu   sync.Mutex
	reqs []string
	hook func(w http.ResponseWriter, r *http.Request, items []json.RawMessage) bool
}

func (h *hfReplay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.reqs = append(h.reqs, r.URL.RawQuery)
	hook := h.hook
	h.mu.Unlock()
	if r.URL.Path != "/api/daily_papers" || !strings.HasPrefix(r.UserAgent(), "quire-test/") {
		http.Error(w, "bad request", 400)
		return
	}
	q := r.URL.Query()
	var items []json.RawMessage
	if b, err := os.ReadFile(filepath.Join(h.dir, q.Get("date")+".json")); err == nil {
		if err := json.Unmarshal(b, &items); err != nil {
			h.t.Fatal(err)
		}
	}
	if hook != nil && hook(w, r, items) {
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	p, _ := strconv.Atoi(q.Get("p"))
	from, to := min(p*limit, len(items)), min((p+1)*limit, len(items))
	out, _ := json.Marshal(append([]json.RawMessage{}, items[from:to]...)) // [] for a day without papers, as Hugging Face answers
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

func (h *hfReplay) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.reqs...)
}

func newHFLive(t *testing.T) (*ingest.HFLive, *hfReplay, *[]time.Duration) {
	replay := &hfReplay{t: t, dir: testutil.SharedData(t, "hf-daily-papers")}
	srv := httptest.NewServer(replay)
	t.Cleanup(srv.Close)
	c, slept := recordingClient()
	c.Interval = 0
	return &ingest.HFLive{Client: c, Store: sqlitetest.MustOpen(t), Endpoint: srv.URL, Log: quiet}, replay, slept
}

// Fourteen days (two real weeks with their weekends) in one request per
// day and page, every paper stored on its day.
func TestHFLiveSyncsDays(t *testing.T) {
	h, replay, _ := newHFLive(t)
	from, to := model.MustDate("2026-07-20"), model.MustDate("2026-08-02")
	n, err := h.Sync(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	reqs := replay.requests()
	if len(reqs) != 14 {
		t.Errorf("%d requests for 14 days of at most 100 papers, want 14: %v", len(reqs), reqs)
	}
	var want int
	for d := from; !to.Before(d); d = d.AddDays(1) {
		if b, err := os.ReadFile(filepath.Join(replay.dir, d.String()+".json")); err == nil {
			var items []json.RawMessage
			_ = json.Unmarshal(b, &items)
			want += len(items)
		}
	}
	if n != want || want == 0 {
		t.Errorf("synced %d papers, the files hold %d", n, want)
	}
	ps, err := h.Store.FindPapers(context.Background(), storeFilterDay(model.MustDate("2026-07-22")))
	if err != nil || len(ps) == 0 {
		t.Fatalf("papers on 2026-07-22: %d %v", len(ps), err)
	}
}

// A second sync brings Hugging Face's grown counts (recorded for trending);
// an empty answer for a day that had papers removes nothing; a malformed
// one writes nothing and names the day.
func TestHFLiveGrowthEmptyAndMalformed(t *testing.T) {
	h, replay, _ := newHFLive(t)
	ctx := context.Background()
	day := model.MustDate("2026-08-05")
	if _, err := h.SyncDay(ctx, day); err != nil {
		t.Fatal(err)
	}
	before, _ := h.Store.FindPapers(ctx, storeFilterDay(day))
	up := map[string]int{}
	for _, p := range before {
		up[p.ID] = p.Upvotes
	}
	replay.hook = func(w http.ResponseWriter, r *http.Request, items []json.RawMessage) bool {
		var grown []map[string]any
		for _, it := range items {
			var m map[string]any
			_ = json.Unmarshal(it, &m)
			paper := m["paper"].(map[string]any)
			paper["upvotes"] = paper["upvotes"].(float64) + 7 // a week later, as Hugging Face counts grow
			grown = append(grown, m)
		}
		_ = json.NewEncoder(w).Encode(grown)
		return true
	}
	if _, err := h.SyncDay(ctx, day); err != nil {
		t.Fatal(err)
	}
	after, _ := h.Store.FindPapers(ctx, storeFilterDay(day))
	for _, p := range after {
		if p.Upvotes != up[p.ID]+7 {
			t.Errorf("%s: %d upvotes after the second sync, want %d", p.ID, p.Upvotes, up[p.ID]+7)
		}
	}
	votes, _ := h.Store.(interface {
		VotesSince(context.Context, time.Time) (map[string][]time.Time, error)
	}).VotesSince(ctx, time.Now().Add(-time.Hour))
	if len(votes[after[0].ID]) != 7 {
		t.Errorf("growth recorded for trending: %d, want 7", len(votes[after[0].ID]))
	}

	replay.hook = func(w http.ResponseWriter, _ *http.Request, _ []json.RawMessage) bool {
		_, _ = w.Write([]byte("[]"))
		return true
	}
	if r, err := h.SyncDay(ctx, day); err != nil || r.Papers != 0 {
		t.Fatalf("empty answer: %+v %v", r, err)
	}
	if again, _ := h.Store.FindPapers(ctx, storeFilterDay(day)); len(again) != len(after) {
		t.Errorf("an empty answer removed papers: %d of %d left", len(again), len(after))
	}

	replay.hook = func(w http.ResponseWriter, _ *http.Request, items []json.RawMessage) bool {
		_, _ = w.Write([]byte(`[{"paper":{"id":"2608.99999","title":"half"`))
		return true
	}
	other := model.MustDate("2026-08-06")
	_, err := h.SyncDay(ctx, other)
	if err == nil || !strings.Contains(err.Error(), "2026-08-06") || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("malformed answer: %v", err)
	}
	if ps, _ := h.Store.FindPapers(ctx, storeFilterDay(other)); len(ps) != 0 {
		t.Errorf("a malformed answer wrote %d papers", len(ps))
	}
}

// A 429 with Retry-After is waited out, then the day syncs.
func TestHFLiveHonours429(t *testing.T) {
	h, replay, slept := newHFLive(t)
	first := true
	replay.hook = func(w http.ResponseWriter, _ *http.Request, _ []json.RawMessage) bool {
		if !first {
			return false
		}
		first = false
		w.Header().Set("Retry-After", "37")
		w.Header().Set("RateLimit", `"api";r=0;t=37`)
		http.Error(w, `{"error":"rate limited"}`, http.StatusTooManyRequests)
		return true
	}
	r, err := h.SyncDay(context.Background(), model.MustDate("2026-08-04"))
	if err != nil || r.Papers == 0 {
		t.Fatalf("after a 429: %+v %v", r, err)
	}
	waited := false
	for _, d := range *slept {
		waited = waited || d == 37*time.Second
	}
	if !waited {
		t.Errorf("waits %v, want the 37 s of Retry-After", *slept)
	}
	if n := len(replay.requests()); n != 2 {
		t.Errorf("%d requests, want the refused one and its retry", n)
	}
}

func storeFilterDay(d model.Date) store.PaperFilter {
	return store.PaperFilter{From: d, To: d.AddDays(1), OnDaily: true}
}
