// Package embed is a client for OpenAI-compatible embeddings endpoints
// (POST {base}/embeddings), which Ollama, vLLM, text-embeddings-inference
// and llama.cpp's server all speak. quire uses one, when configured, in
// place of its built-in embedder; the built-in one stays the fallback.
package embed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
)

// Client calls one endpoint with one model.
type Client struct {
	URL    string // base URL, e.g. http://127.0.0.1:11434/v1
	Model  string
	APIKey string // sent as a Bearer token when set
	HTTP   *http.Client
}

// New returns a client with a 30 s timeout per call.
func New(url, model, apiKey string) *Client {
	return &Client{URL: strings.TrimRight(url, "/"), Model: model, APIKey: apiKey, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

type request struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
}

// Embed returns one unit vector per text, in order.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	body, err := json.Marshal(request{Model: c.Model, Input: texts, EncodingFormat: "float"})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"/embeddings", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("embeddings endpoint %s: %w", c.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("embeddings endpoint %s: %w", c.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("embeddings endpoint %s: %w", c.URL, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("embeddings endpoint %s: HTTP %d: %.200s", c.URL, res.StatusCode, bytes.TrimSpace(b))
	}
	vecs, err := Parse(b, len(texts))
	if err != nil {
		return nil, fmt.Errorf("embeddings endpoint %s: %w", c.URL, err)
	}
	return vecs, nil
}

// Parse reads an embeddings response for n inputs: {"data": [{"index": i,
// "embedding": [...]}, ...]}. Every input must have exactly one vector, all
// of the same length, finite and not zero; they come back normalized.
func Parse(b []byte, n int) ([][]float32, error) {
	var res struct {
		Data []struct {
			Index     *int      `json:"index"`
			Embedding []float64 `json:"embedding"`
		} `json:"data"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("response is not an embeddings list: %w", err)
	}
	if res.Error != nil {
		return nil, fmt.Errorf("endpoint error: %s", res.Error.Message)
	}
	if len(res.Data) != n {
		return nil, fmt.Errorf("%d vectors for %d inputs", len(res.Data), n)
	}
	out := make([][]float32, n)
	for i, d := range res.Data {
		idx := i
		if d.Index != nil {
			idx = *d.Index
		}
		if idx < 0 || idx >= n || out[idx] != nil {
			return nil, fmt.Errorf("item %d: index %d is out of range or repeated", i, idx)
		}
		if len(d.Embedding) == 0 || (i > 0 && len(d.Embedding) != len(res.Data[0].Embedding)) {
			return nil, fmt.Errorf("item %d: %d dimensions, want %d", i, len(d.Embedding), len(res.Data[0].Embedding))
		}
		v, err := unit(d.Embedding)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out[idx] = v
	}
	return out, nil
}

func unit(x []float64) ([]float32, error) {
	var s float64
	for _, f := range x {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("a value is not finite")
		}
		s += f * f
	}
	if s == 0 {
		return nil, errors.New("the vector is zero")
	}
	inv := 1 / math.Sqrt(s)
	out := make([]float32, len(x))
	for i, f := range x {
		out[i] = float32(f * inv)
	}
	return out, nil
}
