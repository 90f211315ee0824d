package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Lock is an exclusive lock held by one harvest or import at a time. It is
// an flock on a file in the data directory: the kernel releases it when the
// process ends, however it ends, so a killed run never leaves it behind.
type Lock struct{ f *os.File }

// ErrLocked means another process holds the lock.
var ErrLocked = errors.New("locked")

// TryLock takes the lock named name under dir, or fails at once with
// ErrLocked when another process (or another harvest in this one) has it.
func TryLock(dir, name string) (*Lock, error) {
	sum := sha256.Sum256([]byte(name))
	path := filepath.Join(dir, "locks", hex.EncodeToString(sum[:8])+".lock")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: another run holds it (%s): %w", name, path, ErrLocked)
		}
		return nil, err
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "%d %s\n", os.Getpid(), name)
	return &Lock{f: f}, nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
