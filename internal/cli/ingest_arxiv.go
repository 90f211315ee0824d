package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/ingest"
)

func arxivClient(cfg config.Config, log *slog.Logger) *arxiv.Client {
	c := arxiv.NewClient(cfg.UserAgent(Version), log)
	c.Interval = cfg.ArxivInterval
	return c
}

func runIngestOAI(ctx context.Context, args []string, env Env) error {
	var sets []string
	var from string
	cfg, log, rest, err := setup("ingest oai", args, env, func(fs *flag.FlagSet, c *config.Config) {
		c.BindArxivFlags(fs)
		fs.Func("set", "OAI-PMH set, e.g. cs:cs:LG (repeat for several; none: the whole archive)", func(v string) error {
			sets = append(sets, v)
			return nil
		})
		fs.StringVar(&from, "from", "", "harvest from this date (YYYY-MM-DD) instead of where the last run ended")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected arguments %q (sets go in --set)", errUsage, rest)
	}
	if from != "" {
		if _, err := time.Parse("2006-01-02", from); err != nil {
			return fmt.Errorf("%w: --from %q: want YYYY-MM-DD", errUsage, from)
		}
	}
	if len(sets) == 0 {
		sets = []string{""}
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	h := &ingest.Harvester{Client: arxivClient(cfg, log), Store: db, Endpoint: cfg.OAIEndpoint, Format: cfg.ArxivFormat,
		LockDir: cfg.DataDir, Log: log}
	var failed int
	for _, set := range sets {
		res, err := ingest.RecordRun(ctx, db, "oai", setName(set), func() (int, int, error) {
			r, err := h.Harvest(ctx, set, from)
			if r == nil {
				return 0, 0, err
			}
			fmt.Fprintf(env.Stdout, "set %s: %d papers (%d new, %d updated), %d skipped, %d deleted, %d pages; next run from %s\n",
				setName(set), r.Papers, r.Inserted, r.Updated, len(r.Skipped), r.Deleted, r.Pages, r.Until)
			return r.Papers, len(r.Skipped), err
		})
		_ = res
		if err != nil {
			failed++
			fmt.Fprintf(env.Stderr, "set %s: %v\n", setName(set), err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d sets failed", failed, len(sets))
	}
	return nil
}

func setName(set string) string {
	if set == "" {
		return "(all)"
	}
	return set
}

func runIngestArxiv(ctx context.Context, args []string, env Env) error {
	cfg, log, ids, err := setup("ingest arxiv", args, env, func(fs *flag.FlagSet, c *config.Config) {
		c.BindArxivFlags(fs)
	})
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("%w: quire ingest arxiv [flags] ID (one or more arXiv ids)", errUsage)
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	f := &ingest.Fetcher{Client: arxivClient(cfg, log), Store: db, Endpoint: cfg.QueryEndpoint, Log: log}
	res, err := f.Fetch(ctx, ids)
	if res != nil {
		fmt.Fprintf(env.Stdout, "fetched %d papers (%d new, %d updated)\n", len(res.Papers), res.Inserted, res.Updated)
		for _, id := range res.Missing {
			fmt.Fprintf(env.Stderr, "not found on arXiv: %s\n", id)
		}
		for _, e := range res.Skipped {
			fmt.Fprintf(env.Stderr, "skipped: %s\n", e)
		}
	}
	if err != nil {
		return err
	}
	if len(res.Missing) > 0 {
		return fmt.Errorf("%d of %d ids not found", len(res.Missing), len(ids))
	}
	return nil
}

func runIngestKaggle(ctx context.Context, args []string, env Env) error {
	cfg, log, files, err := setup("ingest kaggle", args, env, nil)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: quire ingest kaggle [flags] FILE (.json, .json.gz or - for standard input)", errUsage)
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	lock, err := ingest.TryLock(cfg.DataDir, "kaggle import")
	if err != nil {
		return err
	}
	defer lock.Unlock()
	opts := ingest.KaggleOptions{Progress: progressReporter(env, files[0], log)}
	res, err := ingest.Kaggle(ctx, db, files[0], opts, log)
	if res != nil {
		rate := float64(res.Papers) / max(res.Elapsed.Seconds(), 1e-9)
		fmt.Fprintf(env.Stdout, "imported %d papers from %d lines (%d new, %d updated, %d skipped) in %s: %.0f papers/s\n",
			res.Papers, res.Lines-res.Resumed, res.Inserted, res.Updated, res.Skipped, res.Elapsed.Round(time.Millisecond), rate)
		if res.Resumed > 0 {
			fmt.Fprintf(env.Stdout, "resumed after line %d\n", res.Resumed)
		}
	}
	return err
}

// progressReporter draws a progress bar with rate and ETA on a terminal and
// logs a line every 10 s otherwise.
func progressReporter(env Env, path string, log *slog.Logger) func(offset, lines int64, papers int) {
	var size int64 = -1
	if st, err := os.Stat(path); err == nil && path != "-" {
		size = st.Size()
	}
	if f, ok := env.Stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(f), progressbar.OptionShowBytes(true),
			progressbar.OptionSetDescription("importing"), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(f) }))
		return func(offset, _ int64, _ int) { _ = bar.Set64(min(offset, max(size, offset))) }
	}
	var last time.Time
	start := time.Now()
	return func(offset, lines int64, papers int) {
		if time.Since(last) < 10*time.Second {
			return
		}
		last = time.Now()
		log.Info("import progress", slog.Int64("lines", lines), slog.Int("papers", papers),
			slog.Float64("papers_per_s", float64(papers)/time.Since(start).Seconds()), slog.Int64("bytes", offset))
	}
}
