// Package gctarget owns the process's garbage-collection policy for a large
// search index, so that the server and the benchmarks that size it run
// under the same one.
package gctarget

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Level is a collector target for a live heap past a size.
type Level struct {
	Heap    uint64 // the live heap past which it holds
	Percent int    // the garbage allowed before a collection, in percent of the live heap
}

// Levels are the targets, smallest heap first. Past 1 GiB the heap is
// mostly the search index, which lives as long as the process: letting
// garbage grow to the size of the index again (Go's default, 100 %) would
// double the memory of a large instance for nothing, training's temporary
// matrices above all. Past 4 GiB (all of arXiv, its vectors and graph) a
// quarter is still more than a gigabyte of garbage, and the index's
// postings and vectors hold no pointers, so a collection costs little:
// a tenth. Requests make little garbage, so the collections stay rare.
var Levels = []Level{{1 << 30, 25}, {4 << 30, 10}}

// Lower sets the collector's target to that of the highest level the live
// heap has passed, unless the operator set GOGC or GOMEMLIMIT; it returns
// the live heap and the level's index (-1 when none was set).
func Lower() (live uint64, level int) {
	live, level = reached()
	if level >= 0 {
		debug.SetGCPercent(Levels[level].Percent)
	}
	return live, level
}

// reached is the live heap and the highest level it has passed (-1 for
// none, or when the operator chose the collector's settings).
func reached() (live uint64, level int) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return 0, -1
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0, -1
	}
	live, level = s[0].Value.Uint64(), -1
	for i, l := range Levels {
		if live > l.Heap {
			level = i
		}
	}
	return live, level
}

// Watch checks the live heap every period until the last level is set or
// ctx is done, and sets each higher level it passes (then calls onLower,
// if not nil): the heap passes the levels while the index is built and
// trained, which can take minutes, and the policy should hold from then
// on. A target is never raised again: the index only grows, and a heap
// that shrank keeps its pages anyway.
func Watch(ctx context.Context, period time.Duration, onLower func(live uint64, l Level)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for set := -1; ; {
		if live, level := reached(); level > set {
			set = level
			debug.SetGCPercent(Levels[level].Percent)
			if onLower != nil {
				onLower(live, Levels[level])
			}
			if level == len(Levels)-1 {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
