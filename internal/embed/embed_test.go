package embed_test

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quire/quire/internal/embed"
	"github.com/quire/quire/internal/embed/embedtest"
)

func TestClientSpeaksTheFormat(t *testing.T) {
	srv := embedtest.Start("test-model")
	defer srv.Close()
	c := embed.New(srv.URL+"/v1/", "test-model", "")
	vecs, err := c.Embed(context.Background(), []string{"cat", "feline", "dog"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 3 || len(vecs[0]) != embedtest.Dim {
		t.Fatalf("got %d vectors", len(vecs))
	}
	dot := func(a, b []float32) (s float64) {
		for i := range a {
			s += float64(a[i] * b[i])
		}
		return
	}
	if math.Abs(dot(vecs[0], vecs[0])-1) > 1e-5 {
		t.Error("vectors are not normalized")
	}
	if dot(vecs[0], vecs[1]) < 0.99 || dot(vecs[0], vecs[2]) > 0.5 {
		t.Error("vectors came back in the wrong order (the server answers out of order)")
	}
	if _, err := embed.New(srv.URL+"/v1", "other-model", "").Embed(context.Background(), []string{"x"}); err == nil ||
		!strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), "unknown model") {
		t.Errorf("error = %v", err)
	}
}

func TestClientSendsKeyAndReportsFailures(t *testing.T) {
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	c := embed.New(srv.URL, "m", "sk-test")
	if _, err := c.Embed(context.Background(), []string{"x"}); err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("error = %v", err)
	}
	if auth != "Bearer sk-test" {
		t.Errorf("Authorization = %q", auth)
	}
	srv.Close()
	if _, err := c.Embed(context.Background(), []string{"x"}); err == nil {
		t.Error("no error from a closed endpoint")
	}
}

func TestParseRejects(t *testing.T) {
	for name, body := range map[string]string{
		"not json":       `<html>`,
		"too few":        `{"data":[{"index":0,"embedding":[1,0]}]}`,
		"repeated index": `{"data":[{"index":0,"embedding":[1,0]},{"index":0,"embedding":[0,1]}]}`,
		"out of range":   `{"data":[{"index":0,"embedding":[1,0]},{"index":5,"embedding":[0,1]}]}`,
		"sizes differ":   `{"data":[{"index":0,"embedding":[1,0]},{"index":1,"embedding":[0,1,0]}]}`,
		"zero vector":    `{"data":[{"index":0,"embedding":[0,0]},{"index":1,"embedding":[0,1]}]}`,
		"empty vector":   `{"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[]}]}`,
		"error object":   `{"error":{"message":"model not loaded"}}`,
	} {
		if _, err := embed.Parse([]byte(body), 2); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	vecs, err := embed.Parse([]byte(`{"data":[{"embedding":[3,4]},{"embedding":[0,2]}]}`), 2)
	if err != nil || vecs[0][0] != 0.6 || vecs[1][1] != 1 {
		t.Errorf("items without index: %v, %v", vecs, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"data":[{"index":1,"embedding":[1,2]},{"index":0,"embedding":[3,4]}]}`), 2)
	f.Add([]byte(`{"error":{"message":"x"}}`), 1)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		if n < 0 || n > 64 {
			return
		}
		vecs, err := embed.Parse(b, n)
		if err == nil && len(vecs) != n {
			t.Fatalf("%d vectors for %d inputs", len(vecs), n)
		}
	})
}
