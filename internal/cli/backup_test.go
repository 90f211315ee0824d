package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/testutil"
)

// quire backup of a running server under write load, then quire restore
// into a new directory: every write committed before the backup began is
// there, the copy is whole, and the signing key came along.
func TestBackupUnderLoadAndRestore(t *testing.T) {
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo = testutil.FreeAddr(t), t.TempDir(), true
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var committed atomic.Int64 // writes 0..committed-1 are committed
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := m.DB.CreateSubscription(context.Background(), &model.Subscription{
				Email: fmt.Sprintf("load%05d@example.org", i), Frequency: model.Daily}); err != nil {
				done <- err
				return
			}
			committed.Store(int64(i + 1))
		}
	}()
	for committed.Load() < 200 {
	}
	before := committed.Load()
	file := filepath.Join(t.TempDir(), "quire.backup")
	code, out, errOut := run(t, "backup", "--data", cfg.DataDir, file)
	after := committed.Load()
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	if after == before {
		t.Fatal("no write happened during the backup: the test proves nothing")
	}
	target := t.TempDir()
	if code, out, errOut := run(t, "restore", file, "--data", target); code != 0 {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "restore", file, "--data", target); code == 0 || !strings.Contains(errOut, "already holds") {
		t.Errorf("restore over a database: %d %s", code, errOut)
	}
	db, err := sqlite.Open(filepath.Join(target, "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM subscriptions WHERE email LIKE 'load%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < before || n > after {
		t.Errorf("restored %d of the writes; %d were committed before the backup began and %d when it ended", n, before, after)
	}
	// A consistent prefix: the sequential writer's rows with no gap.
	var maxEmail string
	_ = db.R.QueryRow(`SELECT MAX(email) FROM subscriptions WHERE email LIKE 'load%'`).Scan(&maxEmail)
	if want := fmt.Sprintf("load%05d@example.org", n-1); maxEmail != want {
		t.Errorf("restored rows have a gap: %d rows, last %s", n, maxEmail)
	}
	var papers int
	_ = db.R.QueryRow(`SELECT COUNT(*) FROM papers`).Scan(&papers)
	if papers == 0 {
		t.Error("the demo papers are missing from the copy")
	}
	key1, _ := os.ReadFile(filepath.Join(cfg.DataDir, "secret.key"))
	key2, _ := os.ReadFile(filepath.Join(target, "secret.key"))
	if len(key1) < 32 || string(key1) != string(key2) {
		t.Error("the signing key did not come along")
	}
	// A damaged backup is refused and leaves nothing behind.
	broken := filepath.Join(t.TempDir(), "broken.backup")
	raw, _ := os.ReadFile(file)
	_ = os.WriteFile(broken, raw[:len(raw)/2], 0o600)
	empty := t.TempDir()
	if code, _, _ := run(t, "restore", broken, "--data", empty); code == 0 {
		t.Error("a truncated backup restored")
	}
	if _, err := os.Stat(filepath.Join(empty, "quire.db")); err == nil {
		t.Error("a failed restore left a database")
	}
}
