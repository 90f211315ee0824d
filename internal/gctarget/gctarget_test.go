package gctarget

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// touched allocates n bytes whose pages are real.
func touched(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < len(b); i += 4096 {
		b[i] = byte(i)
	}
	return b
}

// TestLevels: a small heap keeps Go's default target; a live heap past a
// level's size gets its target, and past the next one the next target,
// each reported once; unless the operator chose (GOGC or GOMEMLIMIT). The
// levels are scaled down so that the test does not need gigabytes.
func TestLevels(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer func(l []Level) { Levels = l }(Levels)
	const mb = 1 << 20
	Levels = []Level{{64 * mb, 25}, {160 * mb, 10}}
	operator := os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
	runtime.GC()
	if _, level := Lower(); level >= 0 {
		t.Fatal("lowered for a small heap")
	}
	got := make(chan Level, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		Watch(ctx, 5*time.Millisecond, func(live uint64, l Level) { got <- l })
	}()
	first := touched(100 * mb)
	runtime.GC() // the live-heap metric is measured by a collection
	if !operator {
		if l := <-got; l.Percent != 25 {
			t.Fatalf("past the first level: %+v", l)
		}
	}
	second := touched(100 * mb)
	runtime.GC()
	<-done // the last level ends the watch (or the deadline, when the operator chose)
	runtime.KeepAlive(first)
	runtime.KeepAlive(second)
	close(got)
	var levels []Level
	for l := range got {
		levels = append(levels, l)
	}
	percent := debug.SetGCPercent(100)
	switch {
	case operator && (len(levels) > 0 || percent != 100):
		t.Fatalf("lowered though GOGC or GOMEMLIMIT is set: %v, %d %%", levels, percent)
	case !operator && (len(levels) != 1 || levels[0].Percent != 10 || percent != 10):
		t.Fatalf("past the second level: %v reported, target %d %%", levels, percent)
	}
}
