package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quire/quire/internal/gctarget"
)

// engineResult is what a child process reports for one engine.
type engineResult struct {
	Engine    string     `json:"engine"`
	Docs      int        `json:"docs"`
	BuildS    float64    `json:"build_s"`
	P50ms     float64    `json:"p50_ms"`
	P99ms     float64    `json:"p99_ms"`
	PeakRSSMB float64    `json:"peak_rss_mb"`
	Overlap   float64    `json:"top10_overlap"`
	Reference string     `json:"overlap_reference"`          // what the top 10 is compared with
	TieRecall float64    `json:"recall_with_ties,omitempty"` // semantic: recall@10 counting near-ties (see tieRecall)
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
	engines := fs.String("engines", "quire,fts5,bleve,semantic", "engines to run (semantic: quire's semantic and hybrid search)")
	efs := fs.String("ef", "0", "semantic: candidates kept in the graph walk, comma-separated (0: the default)")
	asJSON := fs.Bool("json", false, "one JSON object per engine")
	repeat := fs.Int("repeat", 1, "lexical engines: time each query this many times and take its median (the machine's noise out of the tail)")
	textbook := fs.Bool("textbook", true, "compare the lexical engines' top 10 with textbook BM25 (exhaustive; at 2.7 M it takes 10 minutes and 10 GB)")
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
	var ref []*engineResult
	if *textbook {
		if ref, err = child("textbook", corpus, qfile, dir, "", 1); err != nil {
			return err
		}
	}
	var results []*engineResult
	for _, name := range strings.Split(*engines, ",") {
		rs, err := child(name, corpus, qfile, dir, *efs, *repeat)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, r := range rs {
			if r.Reference == "" && ref != nil {
				r.Overlap, r.Reference = overlap(r.Top, ref[0].Top), "textbook BM25"
			}
			results = append(results, r)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		for _, r := range results {
			_ = enc.Encode(r)
		}
		return nil
	}
	printTables(*n, *nq, results)
	return nil
}

// printTables prints the lexical engines with their p99 against quire's,
// then quire's semantic and hybrid search against exact semantic search.
func printTables(n, nq int, results []*engineResult) {
	fmt.Printf("%d documents, %d top-10 queries of 1–3 terms, 2 cores\n", n, nq)
	fmt.Printf("%-16s %10s %10s %10s %12s %8s %-14s %8s %s\n", "engine", "build s", "p50 ms", "p99 ms", "peak RSS MB", "overlap", "with", "ties ok", "p99 vs quire")
	var q99, exact50 float64
	for _, r := range results {
		switch r.Engine {
		case "quire":
			q99 = r.P99ms
		case "semantic exact":
			exact50 = r.P50ms
		}
	}
	for _, r := range results {
		ratio := ""
		if r.Reference == "textbook BM25" && q99 > 0 {
			ratio = fmt.Sprintf("%.1f×", r.P99ms/q99)
		} else if strings.HasPrefix(r.Engine, "semantic") && exact50 > 0 {
			ratio = fmt.Sprintf("(p50 %.1f× faster than exact)", exact50/r.P50ms)
		}
		ties := ""
		if r.TieRecall > 0 {
			ties = fmt.Sprintf("%.3f", r.TieRecall)
		}
		fmt.Printf("%-16s %10.1f %10.3f %10.3f %12.0f %8.3f %-14s %8s %s\n", r.Engine, r.BuildS, r.P50ms, r.P99ms, r.PeakRSSMB, r.Overlap, r.Reference, ties, ratio)
	}
}

func child(engine, corpus, qfile, dir, efs string, repeat int) ([]*engineResult, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "search-engine", engine, corpus, qfile, dir, efs, strconv.Itoa(repeat))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	var rs []*engineResult
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var r struct {
			engineResult
			Top [][]string `json:"top"`
		}
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		r.engineResult.Top = r.Top
		rs = append(rs, &r.engineResult)
	}
	return rs, nil
}

// runSearchEngine is the child: build one engine, time the queries.
func runSearchEngine(args []string) error {
	name, corpus, qfile, dir := args[0], args[1], args[2], args[3]
	qb, err := os.ReadFile(qfile)
	if err != nil {
		return err
	}
	qs := strings.Split(string(qb), "\n")
	if name == "semantic" || strings.HasPrefix(name, "quire") {
		// quire's children run under the server's collector policy, so
		// that their peak memory is the server's.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go gctarget.Watch(ctx, time.Second, nil)
	}
	if name == "semantic" {
		return runSemanticChild(corpus, qs, dir, args[4])
	}
	e, err := newEngine(name, dir)
	if err != nil {
		return err
	}
	var build float64
	if qe, ok := e.(*quireEngine); ok {
		// quire's index is fed one paper at a time, as the server's is:
		// its peak memory is then the index's, not the corpus's.
		start := time.Now()
		if err := eachDoc(corpus, func(d benchDoc) { qe.put(d) }); err != nil {
			return err
		}
		build = time.Since(start).Seconds()
	} else {
		var docs []benchDoc
		if err := eachDoc(corpus, func(d benchDoc) { docs = append(docs, d) }); err != nil {
			return err
		}
		start := time.Now()
		if err := e.add(docs); err != nil {
			return err
		}
		build = time.Since(start).Seconds()
	}
	res := struct {
		engineResult
		Top [][]string `json:"top"`
	}{engineResult: engineResult{Engine: name, BuildS: build}}
	for _, q := range qs { // warm up
		if _, err := e.query(q, 10); err != nil {
			return err
		}
	}
	if path := os.Getenv("QUIRE_BENCH_CPUPROFILE"); path != "" { // the timed queries, 20 rounds
		pf, err := os.Create(path + "." + name)
		if err != nil {
			return err
		}
		_ = pprof.StartCPUProfile(pf)
		for range 20 {
			for _, q := range qs {
				_, _ = e.query(q, 10)
			}
		}
		pprof.StopCPUProfile()
		pf.Close()
	}
	repeat := 1
	if len(args) > 5 {
		repeat, _ = strconv.Atoi(args[5])
	}
	lat := make([]float64, len(qs))
	for i, q := range qs {
		var top []string
		runs := make([]float64, max(1, repeat))
		for r := range runs {
			t := time.Now()
			top, err = e.query(q, 10)
			runs[r] = float64(time.Since(t).Microseconds()) / 1000
			if err != nil {
				return err
			}
		}
		sort.Float64s(runs)
		lat[i] = runs[len(runs)/2]
		res.Top = append(res.Top, top)
	}
	if n, _ := strconv.Atoi(os.Getenv("QUIRE_BENCH_SLOWEST")); n > 0 { // which queries make the tail
		order := make([]int, len(qs))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(a, b int) bool { return lat[order[a]] > lat[order[b]] })
		for _, i := range order[:min(n, len(order))] {
			fmt.Fprintf(os.Stderr, "%s: %.3f ms %q\n", name, lat[i], qs[i])
		}
	}
	sort.Float64s(lat)
	res.P50ms, res.P99ms = lat[len(lat)/2], lat[len(lat)*99/100]
	res.PeakRSSMB = peakRSS()
	return json.NewEncoder(os.Stdout).Encode(res)
}

// eachDoc calls f with each document of the corpus file, in order.
func eachDoc(corpus string, f func(benchDoc)) error {
	file, err := os.Open(corpus)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var d benchDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return fmt.Errorf("%s: %w", corpus, err)
		}
		f(d)
	}
	return sc.Err()
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

// peakRSS is the process's peak resident memory in MB; rss its current.
func peakRSS() float64 { return statusMB("VmHWM:") }
func rss() float64     { return statusMB("VmRSS:") }

func statusMB(field string) float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
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
