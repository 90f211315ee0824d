package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"time"
)

// runHTTPBench sends search queries to a running server one at a time, as
// a user does, and prints the latency of the whole request (query parsing,
// lexical and semantic search, fusion, loading the papers, JSON). Every
// query is distinct, so the response cache never answers.
func runHTTPBench(args []string) error {
	fs := flag.NewFlagSet("http", flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "server")
	nq := fs.Int("queries", 500, "distinct queries")
	seed := fs.Uint64("seed", 7, "seed of the queries")
	path := fs.String("path", "/api/papers/search?limit=10&q=", "request path; the query is appended")
	_ = fs.Parse(args)
	root, _ := os.Getwd()
	real, err := realAbstracts(root)
	if err != nil {
		return fmt.Errorf("read real abstracts (run from the repository root): %w", err)
	}
	qs := queries(real, *nq, *seed)
	seen := map[string]bool{}
	client := &http.Client{Timeout: 30 * time.Second}
	var lat []float64
	for _, q := range qs {
		if seen[q] {
			continue
		}
		seen[q] = true
		start := time.Now()
		res, err := client.Get(*base + *path + url.QueryEscape(q))
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("%q: HTTP %d", q, res.StatusCode)
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
	}
	sort.Float64s(lat)
	fmt.Printf("%d distinct queries, one at a time: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
		len(lat), lat[len(lat)/2], lat[len(lat)*9/10], lat[len(lat)*99/100])
	return nil
}

// runGetBench requests one URL again and again, one at a time, and prints
// the latency's median and 99th percentile (for a page whose cost does not
// depend on the query, such as /papers/new/DAY).
func runGetBench(args []string) error {
	fs := flag.NewFlagSet("get", flag.ExitOnError)
	u := fs.String("url", "http://127.0.0.1:8080/papers/new", "URL")
	n := fs.Int("n", 200, "requests")
	warm := fs.Int("warm", 5, "requests before measuring")
	_ = fs.Parse(args)
	client := &http.Client{Timeout: 60 * time.Second}
	var lat []float64
	size := 0
	for i := 0; i < *warm+*n; i++ {
		start := time.Now()
		res, err := client.Get(*u)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("GET %s: %d", *u, res.StatusCode)
		}
		if i >= *warm {
			lat = append(lat, float64(time.Since(start).Microseconds())/1000)
			size = len(b)
		}
	}
	sort.Float64s(lat)
	fmt.Printf("%s: %d requests, %d bytes, p50 %.2f ms, p99 %.2f ms\n", *u, len(lat), size, lat[len(lat)/2], lat[len(lat)*99/100])
	return nil
}
