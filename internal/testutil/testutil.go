// Package testutil holds test helpers: golden files with -update, the
// location of the shared real-data folder, and the rule that a test needing
// a component fails in CI instead of skipping.
package testutil

import (
	"bytes"
	"flag"
	"net"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Golden compares got with testdata/<name>, or rewrites the file with -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -update to create it)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update if the change is intended)\n--- got (first 2000 bytes) ---\n%s",
			path, firstN(got, 2000))
	}
}

func firstN(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// RepoRoot returns the directory that holds go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// SharedData returns the path of a folder under the shared real-data tree
// (QUIRE_SHARED_DATA, else ../shared/data beside the repository). Without
// it the test is skipped, or fails in CI, where the tree is always present.
func SharedData(t testing.TB, sub string) string {
	t.Helper()
	base := os.Getenv("QUIRE_SHARED_DATA")
	if base == "" {
		base = filepath.Join(RepoRoot(t), "..", "shared", "data")
	}
	dir := filepath.Join(base, sub)
	if _, err := os.Stat(dir); err != nil {
		Require(t, "shared data "+dir)
	}
	return dir
}

// Require skips the test when a component is missing, except in CI
// (CI=true), where a missing component is a failure.
func Require(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not available (CI=true: tests must not skip)", what)
	}
	t.Skipf("%s is not available", what)
}

// FreeAddr returns a loopback address with a port free now, for a server
// whose URL a test must know before it starts (a base URL, a redirect).
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
