package cli_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
)

// TestRestartLoadsSearchSnapshot stops a server (which saves its search
// index) and starts another on the same data directory: it loads the
// snapshot instead of rebuilding, and answers the same. A damaged snapshot
// is logged and rebuilt, not fatal.
func TestRestartLoadsSearchSnapshot(t *testing.T) {
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", t.TempDir(), true
	run := func() (logs, body string) {
		var buf bytes.Buffer
		m := cli.NewMain(cfg, slog.New(slog.NewTextHandler(&buf, nil)))
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, body = get(t, m.URL()+"/api/papers/search?q=flow+theory&limit=10")
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.String(), body
	}
	_, first := run()
	if _, err := os.Stat(filepath.Join(cfg.DataDir, "search.idx")); err != nil {
		t.Fatalf("no snapshot after a clean stop: %v", err)
	}
	logs, second := run()
	if !strings.Contains(logs, "search index snapshot loaded") || strings.Contains(logs, "semantic model trained") {
		t.Errorf("the restart did not use the snapshot:\n%s", logs)
	}
	if first != second || !strings.Contains(first, `"id"`) {
		t.Errorf("results differ after the restart:\n%.300s\n%.300s", first, second)
	}
	if err := os.WriteFile(filepath.Join(cfg.DataDir, "search.idx"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs, third := run()
	if !strings.Contains(logs, "snapshot not used") || third != first {
		t.Errorf("a damaged snapshot was not rebuilt:\n%s", logs)
	}
}
