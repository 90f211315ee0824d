package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/store/postgres"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/store/transfer"
)

// runCopy moves an instance between databases: `quire copy --data DIR --to
// postgres://…` (SQLite into an empty PostgreSQL database) or `quire copy
// --from postgres://… --to sqlite:DIR`. Run it with the servers stopped; a
// copy that is killed resumes when run again.
func runCopy(ctx context.Context, args []string, env Env) error {
	var from, to string
	batch := 2000
	cfg, log, rest, err := setup("copy", args, env, func(fs *flag.FlagSet, c *config.Config) {
		fs.StringVar(&from, "from", "", "source: postgres://… or sqlite:DIR (default: this instance, --database-url or --data)")
		fs.StringVar(&to, "to", "", "target: postgres://… (an empty database) or sqlite:DIR (an empty directory)")
		fs.IntVar(&batch, "batch", batch, "rows per transaction")
	})
	if err != nil {
		return err
	}
	if to == "" || len(rest) > 0 {
		return fmt.Errorf("%w: quire copy [--data DIR | --from URL] --to postgres://…|sqlite:DIR", errUsage)
	}
	if from == "" {
		from = cfg.DatabaseURL
		if from == "" {
			from = "sqlite:" + cfg.DataDir
		}
	}
	src, srcName, err := openTarget(ctx, cfg, from, log)
	if err != nil {
		return fmt.Errorf("copy: source: %w", err)
	}
	defer src.Close()
	dst, dstName, err := openTarget(ctx, cfg, to, log)
	if err != nil {
		return fmt.Errorf("copy: target: %w", err)
	}
	defer dst.Close()
	if srcName == dstName {
		return fmt.Errorf("%w: copy: the source and the target are the same database", errUsage)
	}
	opt := transfer.Options{Batch: batch, Source: srcName, Progress: copyProgress(env)}
	if postgres.IsURL(to) {
		opt.Finish = func(ctx context.Context, db *sqlstore.DB, _ []string) error { return postgres.ResetSequences(ctx, db) }
	}
	start := time.Now()
	counts, err := transfer.Copy(ctx, src, dst, opt)
	if err != nil {
		return err
	}
	var rows int64
	for _, c := range counts {
		rows += c.Target
	}
	fmt.Fprintf(env.Stdout, "copied %s to %s: %d tables, %d rows, counts checked, in %s\n", srcName, dstName, len(counts), rows,
		time.Since(start).Round(time.Millisecond))
	return nil
}

// openTarget opens a postgres:// URL or sqlite:DIR, migrated.
func openTarget(ctx context.Context, cfg config.Config, where string, log *slog.Logger) (*sqlstore.DB, string, error) {
	c := cfg
	switch {
	case postgres.IsURL(where):
		c.DatabaseURL = where
		db, err := openStore(ctx, c, log)
		return db, postgres.Redact(where), err
	case strings.HasPrefix(where, "sqlite:"):
		dir, err := filepath.Abs(strings.TrimPrefix(where, "sqlite:"))
		if err != nil {
			return nil, "", err
		}
		c.DatabaseURL, c.DataDir = "", dir
		db, err := openStore(ctx, c, log)
		return db, "sqlite:" + dir, err
	}
	return nil, "", fmt.Errorf("%w: %q: want postgres://… or sqlite:DIR", errUsage, where)
}

// copyProgress draws a bar per table on a terminal and prints a line per
// finished table otherwise.
func copyProgress(env Env) func(table string, copied, total int64) {
	f, tty := env.Stderr.(*os.File)
	tty = tty && isatty.IsTerminal(f.Fd())
	var bar *progressbar.ProgressBar
	var current string
	return func(table string, copied, total int64) {
		if !tty {
			if copied >= total {
				fmt.Fprintf(env.Stderr, "copied %s: %d rows\n", table, copied)
			}
			return
		}
		if table != current {
			current = table
			bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(table),
				progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(f) }))
		}
		_ = bar.Set64(min(copied, total))
	}
}
