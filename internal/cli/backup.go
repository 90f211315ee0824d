package cli

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quire/quire/internal/store/sqlite"
)

// A backup is a gzipped tar of the two things an instance cannot rebuild:
// quire.db, as a consistent snapshot taken by SQLite's VACUUM INTO while
// the server keeps writing, and secret.key, without which mailed links stop
// working. The search index (search.idx) is rebuilt from the database.
var backupFiles = []string{"quire.db", "secret.key"}

func runBackup(ctx context.Context, args []string, env Env) error {
	cfg, log, rest, err := setup("backup", args, env, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: quire backup [--data DIR] FILE", errUsage)
	}
	out := rest[0]
	if cfg.DatabaseURL != "" {
		return errBackupPostgres
	}
	if _, err := os.Stat(cfg.DBPath()); err != nil {
		return fmt.Errorf("backup: no database in %s: %w", cfg.DataDir, err)
	}
	db, err := openStore(ctx, cfg, log) // migrates first, so the copy is at the current schema
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".quire-backup-")
	if err != nil {
		db.Close()
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	snapshot := filepath.Join(tmp, "quire.db")
	err = sqlite.VacuumInto(ctx, db, snapshot)
	db.Close()
	if err != nil {
		return err
	}
	if err := writeBackup(out, map[string]string{"quire.db": snapshot, "secret.key": filepath.Join(cfg.DataDir, "secret.key")}); err != nil {
		return err
	}
	fi, _ := os.Stat(out)
	fmt.Fprintf(env.Stdout, "backed up %s to %s (%d bytes)\n", cfg.DataDir, out, fi.Size())
	return nil
}

// writeBackup writes the archive under a temporary name and renames it
// into place, so FILE is either the old backup or the whole new one.
func writeBackup(out string, files map[string]string) error {
	part := out + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(part)
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	for _, name := range backupFiles {
		src := files[name]
		in, err := os.Open(src)
		if errors.Is(err, os.ErrNotExist) && name == "secret.key" {
			continue // an instance that never signed anything
		}
		if err != nil {
			f.Close()
			return fmt.Errorf("backup: %w", err)
		}
		fi, _ := in.Stat()
		err = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: fi.Size(), ModTime: time.Now(), Typeflag: tar.TypeReg})
		if err == nil {
			_, err = io.Copy(tw, in)
		}
		in.Close()
		if err != nil {
			f.Close()
			return fmt.Errorf("backup: write %s: %w", name, err)
		}
	}
	err = errors.Join(tw.Close(), zw.Close())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return os.Rename(part, out)
}

// errBackupPostgres: a PostgreSQL database is backed up by its own tools,
// which do it consistently while replicas write.
var errBackupPostgres = fmt.Errorf("%w: quire backup and restore copy a SQLite data directory; back up PostgreSQL with pg_dump and pg_restore (the signing key is in the database, or in QUIRE_SECRET_KEY)", errUsage)

func runRestore(ctx context.Context, args []string, env Env) error {
	cfg, log, rest, err := setup("restore", args, env, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: quire restore FILE --data DIR", errUsage)
	}
	if cfg.DatabaseURL != "" {
		return errBackupPostgres
	}
	if _, err := os.Stat(cfg.DBPath()); err == nil {
		return fmt.Errorf("restore: %s already holds a database; restore into an empty directory", cfg.DataDir)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	staging, err := os.MkdirTemp(cfg.DataDir, ".restore-")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(staging)
	got, err := extractBackup(rest[0], staging)
	if err != nil {
		return err
	}
	if !got["quire.db"] {
		return fmt.Errorf("restore: %s holds no quire.db; is it a quire backup?", rest[0])
	}
	// Check the database before it goes into place: it opens and migrates.
	db, err := sqlite.Open(filepath.Join(staging, "quire.db"))
	if err == nil {
		_, err = sqlite.Migrate(ctx, db)
		err = errors.Join(err, sqlite.CheckIntegrity(ctx, db), db.Close())
	}
	if err != nil {
		return fmt.Errorf("restore: the backup's database is damaged: %w", err)
	}
	for _, name := range backupFiles {
		if got[name] {
			if err := os.Rename(filepath.Join(staging, name), filepath.Join(cfg.DataDir, name)); err != nil {
				return fmt.Errorf("restore: %w", err)
			}
		}
	}
	log.Info("restored", "from", rest[0], "data", cfg.DataDir)
	fmt.Fprintf(env.Stdout, "restored %s into %s\n", rest[0], cfg.DataDir)
	return nil
}

// extractBackup reads the archive's known files into dir; anything else in
// it (or a path that tries to leave dir) is an error.
func extractBackup(path, dir string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("restore: %s is not a quire backup: %w", path, err)
	}
	tr := tar.NewReader(zr)
	got := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return nil, fmt.Errorf("restore: %s is damaged: %w", path, err)
		}
		known := false
		for _, n := range backupFiles {
			known = known || h.Name == n
		}
		if !known || h.Typeflag != tar.TypeReg || strings.ContainsAny(h.Name, `/\`) {
			return nil, fmt.Errorf("restore: unexpected entry %q in %s", h.Name, path)
		}
		out, err := os.OpenFile(filepath.Join(dir, h.Name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		_, err = io.Copy(out, tr)
		err = errors.Join(err, out.Sync(), out.Close())
		if err != nil {
			return nil, fmt.Errorf("restore: %s is damaged: %w", path, err)
		}
		got[h.Name] = true
	}
}
