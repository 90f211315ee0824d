package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
)

// runSemanticChild builds quire's index with its semantic model and times
// semantic search at each ef (candidates kept while walking the graph), exact semantic search (every
// vector), and the hybrid; recall is against exact search over the same
// vectors (for the hybrid: the hybrid with exact semantic search).
func runSemanticChild(docs []benchDoc, qs []string, efs string) error {
	ix := search.New(nil)
	start := time.Now()
	for _, d := range docs {
		ix.Put(&model.Paper{ID: d.ID, Title: d.Title, Summary: d.Abstract})
	}
	lexBuild := time.Since(start).Seconds()
	docs = nil
	if path := os.Getenv("QUIRE_BENCH_CPUPROFILE"); path != "" { // where training spends its time
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start = time.Now()
	ix.Train()
	train := time.Since(start).Seconds()
	fmt.Fprintf(os.Stderr, "quire semantic: lexical index %.1f s, model + vectors %.1f s\n", lexBuild, train)
	exactSem := run(qs, func(q string) []search.Hit { return ix.Semantic(q, 10, -1) })
	exactHyb := run(qs, func(q string) []search.Hit { return ix.Hybrid(q, 10, -1) })
	enc := json.NewEncoder(os.Stdout)
	emit := func(name string, r timed, ref timed) error {
		return enc.Encode(engineResult{Engine: name, BuildS: train, P50ms: r.p50, P99ms: r.p99,
			PeakRSSMB: peakRSS(), Overlap: overlap(r.top, ref.top), Reference: "exact cosine"})
	}
	if err := emit("semantic exact", exactSem, exactSem); err != nil {
		return err
	}
	for _, p := range strings.Split(efs, ",") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return fmt.Errorf("--ef: %w", err)
		}
		name := "semantic"
		if n != 0 {
			name = fmt.Sprintf("semantic ef=%d", n)
		}
		if err := emit(name, run(qs, func(q string) []search.Hit { return ix.Semantic(q, 10, n) }), exactSem); err != nil {
			return err
		}
	}
	return emit("hybrid", run(qs, func(q string) []search.Hit { return ix.Hybrid(q, 10, 0) }), exactHyb)
}

// timed is one pass over the queries after a warm-up pass.
type timed struct {
	p50, p99 float64
	top      [][]string
}

func run(qs []string, f func(string) []search.Hit) timed {
	for _, q := range qs {
		f(q)
	}
	var r timed
	lat := make([]float64, len(qs))
	for i, q := range qs {
		t := time.Now()
		hits := f(q)
		lat[i] = float64(time.Since(t).Microseconds()) / 1000
		ids := make([]string, len(hits))
		for j, h := range hits {
			ids[j] = h.ID
		}
		r.top = append(r.top, ids)
	}
	sort.Float64s(lat)
	r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	return r
}
