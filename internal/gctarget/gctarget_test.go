package gctarget

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestLowerOnlyForALargeHeap: a small heap keeps Go's default target; a
// live heap past LargeHeap lowers it to Percent, unless the operator chose.
func TestLowerOnlyForALargeHeap(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	runtime.GC()
	if _, ok := Lower(); ok {
		t.Fatal("lowered for a small heap")
	}
	big := make([]byte, LargeHeap+LargeHeap/8)
	for i := 0; i < len(big); i += 4096 { // touched, so that the pages are real
		big[i] = byte(i)
	}
	runtime.GC() // the live-heap metric is measured by a collection
	lowered := make(chan uint64, 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	Watch(ctx, 10*time.Millisecond, func(live uint64) { lowered <- live })
	runtime.KeepAlive(big)
	operator := os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
	select {
	case live := <-lowered:
		if operator {
			t.Fatal("lowered though GOGC or GOMEMLIMIT is set")
		}
		if live <= LargeHeap {
			t.Errorf("live heap %d reported", live)
		}
		if got := debug.SetGCPercent(100); got != Percent {
			t.Errorf("GC percent %d, want %d", got, Percent)
		}
	default:
		if !operator {
			t.Error("a live heap past LargeHeap did not lower the target")
		}
	}
}
