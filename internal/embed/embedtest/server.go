// Package embedtest serves the OpenAI embeddings API for tests: POST
// /v1/embeddings with {"model", "input": [...]}, answered with
// {"object": "list", "data": [{"object": "embedding", "index", "embedding"}],
// "model", "usage"} as the API reference documents it. Its "model" puts
// words of a synonym group on the same axis, so a test can tell its vectors
// from the built-in model's.
package embedtest

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
)

// Dim is the size of the vectors it returns.
const Dim = 64

// Synonyms share an axis.
var Synonyms = [][]string{{"cat", "cats", "feline", "kitten"}, {"dog", "dogs", "canine", "puppy"}, {"car", "cars", "vehicle", "automobile"}}

// Server is a running endpoint; Calls counts embedding requests.
type Server struct {
	*httptest.Server
	Calls atomic.Int64
	Model string
}

// Start serves on a free local port; Close stops it.
func Start(model string) *Server {
	s := &Server{Model: model}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model string   `json:"model"`
		Input []string `json:"input"`
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != s.Model {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"message":"bad request or unknown model","type":"invalid_request_error"}}`))
		return
	}
	s.Calls.Add(1)
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float64 `json:"embedding"`
	}
	data := make([]item, len(req.Input))
	for i, text := range req.Input {
		data[len(data)-1-i] = item{"embedding", i, vector(text)} // out of order, as the index field allows
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1}})
}

// vector sums one axis per word: a synonym group's axis, or a hashed one.
func vector(text string) []float64 {
	v := make([]float64, Dim)
	v[Dim-1] = 0.01 // never zero
	for _, w := range strings.Fields(strings.ToLower(text)) {
		axis := -1
		for g, words := range Synonyms {
			for _, s := range words {
				if w == s {
					axis = g
				}
			}
		}
		if axis < 0 {
			h := fnv.New32a()
			h.Write([]byte(w))
			axis = len(Synonyms) + int(h.Sum32()%uint32(Dim-len(Synonyms)-1))
		}
		v[axis]++
	}
	return v
}
