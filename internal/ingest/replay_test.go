package ingest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/arxiv"
)

// step is one captured answer the replay server gives, in order, to a
// request whose query contains every string of want.
type step struct {
	want   []string
	status int
	header map[string]string
	body   []byte
}

func fileStep(t *testing.T, path string, want ...string) step {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return step{want: want, status: 200, body: b}
}

// nockSteps turns a recorded nock exchange file (status, raw headers, body)
// into steps, for the real 503 with Retry-After.
func nockSteps(t *testing.T, path string, want ...string) []step {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct {
		Status     int      `json:"status"`
		Response   string   `json:"response"`
		RawHeaders []string `json:"rawHeaders"`
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	var out []step
	for _, r := range recs {
		s := step{want: want, status: r.Status, body: []byte(r.Response), header: map[string]string{}}
		for i := 0; i+1 < len(r.RawHeaders); i += 2 {
			s.header[r.RawHeaders[i]] = r.RawHeaders[i+1]
		}
		delete(s.header, "Content-Length")
		out = append(out, s)
	}
	return out
}

type replay struct {
	*httptest.Server
	t      *testing.T
	mu     sync.Mutex
	steps  []step
	agents []string
	served int
}

func newReplay(t *testing.T, steps ...step) *replay {
	r := &replay{t: t, steps: steps}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.agents = append(r.agents, req.UserAgent())
		if r.served >= len(r.steps) {
			t.Errorf("unexpected request %s", req.URL)
			http.Error(w, "no more steps", 500)
			return
		}
		s := r.steps[r.served]
		r.served++
		q, _ := decodeQuery(req.URL.RawQuery)
		for _, want := range s.want {
			if !strings.Contains(q, want) {
				t.Errorf("request %d %q lacks %q", r.served, q, want)
			}
		}
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(s.status)
		_, _ = w.Write(s.body)
	}))
	t.Cleanup(r.Close)
	return r
}

func decodeQuery(q string) (string, error) {
	return strings.NewReplacer("%3A", ":", "%7C", "|", "%2C", ",").Replace(q), nil
}

func (r *replay) done() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.served != len(r.steps) {
		r.t.Errorf("served %d of %d steps", r.served, len(r.steps))
	}
	for _, a := range r.agents {
		if !strings.HasPrefix(a, "quire-test/") {
			r.t.Errorf("User-Agent %q", a)
		}
	}
}

// recordingClient is the real client with sleeps recorded instead of slept.
func recordingClient() (*arxiv.Client, *[]time.Duration) {
	c := arxiv.NewClient("quire-test/1.0 (mailto:ops@example.org)", quiet)
	var slept []time.Duration
	var mu sync.Mutex
	c.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		return ctx.Err()
	}
	return c, &slept
}
