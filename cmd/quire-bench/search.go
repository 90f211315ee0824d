package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// engineResult is what a child process reports for one engine.
type engineResult struct {
	Engine    string     `json:"engine"`
	Docs      int        `json:"docs"`
	BuildS    float64    `json:"build_s"`
	P50ms     float64    `json:"p50_ms"`
	P99ms     float64    `json:"p99_ms"`
	PeakRSSMB float64    `json:"peak_rss_mb"`
	Overlap   float64    `json:"top10_overlap_with_textbook_bm25"`
	Top       [][]string `json:"-"`
}

// runSearchBench generates the corpus and queries, runs every engine in a
// process of its own (so that build time and peak RSS are its own) and
// prints one table, with the ratios to quire.
func runSearchBench(args []string) error {
	fs := flag.NewFlagSet("search", flag.ExitOnError)
	n := fs.Int("docs", 100000, "documents")
	nq := fs.Int("queries", 200, "queries")
	seed := fs.Uint64("seed", 42, "seed")
	engines := fs.String("engines", "quire,fts5,bleve", "engines to run")
	asJSON := fs.Bool("json", false, "one JSON object per engine")
	_ = fs.Parse(args)
	root, _ := os.Getwd()
	real, err := realAbstracts(root)
	if err != nil {
		return fmt.Errorf("read real abstracts (run from the repository root): %w", err)
	}
	dir, err := os.MkdirTemp("", "quire-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	corpus := filepath.Join(dir, "corpus.jsonl")
	start := time.Now()
	if err := generate(corpus, real, *n, *seed); err != nil {
		return err
	}
	qs := queries(real, *nq, *seed)
	qfile := filepath.Join(dir, "queries.txt")
	if err := os.WriteFile(qfile, []byte(strings.Join(qs, "\n")), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "corpus: %d documents generated in %s from %d real abstracts\n", *n, time.Since(start).Round(time.Millisecond), len(real))
	ref, err := child("textbook", corpus, qfile, dir)
	if err != nil {
		return err
	}
	var results []*engineResult
	for _, name := range strings.Split(*engines, ",") {
		r, err := child(name, corpus, qfile, dir)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		r.Overlap = overlap(r.Top, ref.Top)
		results = append(results, r)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		for _, r := range results {
			_ = enc.Encode(r)
		}
		return nil
	}
	fmt.Printf("%d documents, %d top-10 OR queries, 2 cores\n", *n, *nq)
	fmt.Printf("%-8s %10s %10s %10s %12s %10s %14s\n", "engine", "build s", "p50 ms", "p99 ms", "peak RSS MB", "overlap", "p99 vs quire")
	var q99 float64
	for _, r := range results {
		if r.Engine == "quire" {
			q99 = r.P99ms
		}
	}
	for _, r := range results {
		ratio := ""
		if q99 > 0 {
			ratio = fmt.Sprintf("%.1f×", r.P99ms/q99)
		}
		fmt.Printf("%-8s %10.1f %10.3f %10.3f %12.0f %10.3f %14s\n", r.Engine, r.BuildS, r.P50ms, r.P99ms, r.PeakRSSMB, r.Overlap, ratio)
	}
	return nil
}

func child(engine, corpus, qfile, dir string) (*engineResult, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "search-engine", engine, corpus, qfile, dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	var r struct {
		engineResult
		Top [][]string `json:"top"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, err
	}
	r.engineResult.Top = r.Top
	return &r.engineResult, nil
}

// runSearchEngine is the child: build one engine, time the queries.
func runSearchEngine(args []string) error {
	name, corpus, qfile, dir := args[0], args[1], args[2], args[3]
	e, err := newEngine(name, dir)
	if err != nil {
		return err
	}
	f, err := os.Open(corpus)
	if err != nil {
		return err
	}
	var docs []benchDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var d benchDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return err
		}
		docs = append(docs, d)
	}
	f.Close()
	start := time.Now()
	if err := e.add(docs); err != nil {
		return err
	}
	build := time.Since(start).Seconds()
	docs = nil
	qb, err := os.ReadFile(qfile)
	if err != nil {
		return err
	}
	qs := strings.Split(string(qb), "\n")
	res := struct {
		engineResult
		Top [][]string `json:"top"`
	}{engineResult: engineResult{Engine: name, BuildS: build}}
	for _, q := range qs { // warm up
		if _, err := e.query(q, 10); err != nil {
			return err
		}
	}
	lat := make([]float64, len(qs))
	for i, q := range qs {
		t := time.Now()
		top, err := e.query(q, 10)
		lat[i] = float64(time.Since(t).Microseconds()) / 1000
		if err != nil {
			return err
		}
		res.Top = append(res.Top, top)
	}
	sort.Float64s(lat)
	res.P50ms, res.P99ms = lat[len(lat)/2], lat[len(lat)*99/100]
	res.PeakRSSMB = peakRSS()
	return json.NewEncoder(os.Stdout).Encode(res)
}

func overlap(got, ref [][]string) float64 {
	var sum float64
	for i := range ref {
		want := map[string]bool{}
		for _, id := range ref[i] {
			want[id] = true
		}
		hit := 0
		for _, id := range got[i] {
			if want[id] {
				hit++
			}
		}
		if len(ref[i]) > 0 {
			sum += float64(hit) / float64(len(ref[i]))
		} else {
			sum++
		}
	}
	return sum / float64(len(ref))
}

func peakRSS() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func sortByDF(terms []string, df map[string]int) {
	sort.Slice(terms, func(i, j int) bool {
		if df[terms[i]] != df[terms[j]] {
			return df[terms[i]] > df[terms[j]]
		}
		return terms[i] < terms[j]
	})
}
