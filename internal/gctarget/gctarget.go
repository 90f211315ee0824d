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

// LargeHeap is the live heap above which the collector's target is lowered.
const LargeHeap = 1 << 30

// Percent is the lowered target: garbage may grow to a quarter of the live
// heap before a collection, against Go's default of all of it.
const Percent = 25

// Lower sets the collector's target to Percent once the live heap passes
// LargeHeap, unless the operator set GOGC or GOMEMLIMIT; it returns the
// live heap and whether it lowered the target. At that size the heap is
// mostly the search index, which lives as long as the process: letting
// garbage grow to the size of the index again would double the memory of a
// large instance for nothing (training's temporary matrices above all).
// Requests make little garbage, so the collections stay rare.
func Lower() (live uint64, lowered bool) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[0].Value.Uint64() <= LargeHeap {
		return 0, false
	}
	debug.SetGCPercent(Percent)
	return s[0].Value.Uint64(), true
}

// Watch calls Lower every period until it lowers the target (then onLower,
// if not nil, with the live heap) or ctx is done: the heap passes
// LargeHeap while the index is built, which can take minutes, and the
// policy should hold from then on.
func Watch(ctx context.Context, period time.Duration, onLower func(live uint64)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if live, ok := Lower(); ok {
			if onLower != nil {
				onLower(live)
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
