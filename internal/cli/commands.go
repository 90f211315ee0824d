package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlstore"
)

// setup parses the common flags, plus the command's own (extra may be nil).
func setup(name string, args []string, env Env, extra func(*flag.FlagSet, *config.Config)) (config.Config, *slog.Logger, []string, error) {
	cfg := config.Default()
	fs := newFlagSet(name, env)
	cfg.BindFlags(fs)
	if extra != nil {
		extra(fs, &cfg)
	}
	if err := config.ApplyEnv(fs, env.Getenv, nil); err != nil {
		return cfg, nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	// Flags may come before or after the positional arguments ("user add
	// ann --admin"): the flag package stops at the first positional one, so
	// parse again after each.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return cfg, nil, nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	if err := cfg.Validate(); err != nil {
		return cfg, nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return cfg, cfg.Logger(env.Stderr), positional, nil
}

func runServe(ctx context.Context, args []string, env Env) error {
	cfg, log, _, err := setup("serve", args, env, func(fs *flag.FlagSet, c *config.Config) { c.BindServeFlags(fs) })
	if err != nil {
		return err
	}
	m := NewMain(cfg, log)
	if err := m.Run(ctx); err != nil {
		_ = m.Close()
		return err
	}
	if cfg.Web {
		fmt.Fprintf(env.Stdout, "quire is serving on %s\n", m.URL())
		log.Info("serving", slog.String("url", m.URL()), slog.String("data", cfg.DataDir))
	} else {
		fmt.Fprintln(env.Stdout, "quire is running the scheduled jobs only (--web=false)")
		log.Info("running jobs only", slog.String("data", cfg.DataDir))
	}
	<-ctx.Done()
	log.Info("shutting down")
	return m.Close()
}

// runConfig prints the effective configuration of `quire serve` (defaults,
// then QUIRE_* variables, then the flags given), secrets masked.
func runConfig(_ context.Context, args []string, env Env) error {
	var fs *flag.FlagSet
	_, _, _, err := setup("config", args, env, func(f *flag.FlagSet, c *config.Config) {
		c.BindServeFlags(f)
		fs = f
	})
	if err != nil {
		return err
	}
	for _, line := range config.Effective(fs) {
		fmt.Fprintln(env.Stdout, line)
	}
	return nil
}

func runMigrate(ctx context.Context, args []string, env Env) error {
	cfg, log, _, err := setup("migrate", args, env, nil)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	return db.Close()
}

// ingestCommands are the sources `quire ingest` reads.
var ingestCommands = map[string]func(context.Context, []string, Env) error{
	"hf": runIngestHF, "oai": runIngestOAI, "arxiv": runIngestArxiv, "kaggle": runIngestKaggle,
}

func runIngest(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || ingestCommands[args[0]] == nil {
		return fmt.Errorf("%w: quire ingest hf|oai|arxiv|kaggle [flags] (then the source's arguments)", errUsage)
	}
	return ingestCommands[args[0]](ctx, args[1:], env)
}

func runIngestHF(ctx context.Context, args []string, env Env) error {
	var live bool
	var from, to string
	cfg, log, paths, err := setup("ingest hf", args, env, func(fs *flag.FlagSet, c *config.Config) {
		fs.BoolVar(&live, "live", false, "fetch from Hugging Face's API (--hf-endpoint) instead of reading files")
		fs.StringVar(&from, "from", "", "with --live: first day to fetch (default: today, UTC)")
		fs.StringVar(&to, "to", "", "with --live: last day to fetch (default: --from)")
		c.BindHFFlags(fs)
	})
	if err != nil {
		return err
	}
	if live {
		return runHFLive(ctx, cfg, log, env, from, to)
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: quire ingest hf [flags] PATH (files or folders), or quire ingest hf --live [--from D] [--to D]", errUsage)
	}
	srcs, err := ingest.HFPaths(paths)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	rep := ingest.HF(ctx, db, srcs, log)
	fmt.Fprintf(env.Stdout, "imported %d papers from %d files (%d new, %d updated)\n", rep.Papers, rep.Files, rep.Inserted, rep.Updated)
	for _, f := range rep.Failed {
		fmt.Fprintf(env.Stderr, "failed: %s\n", f.Error())
	}
	if len(rep.Failed) > 0 {
		return fmt.Errorf("%d of %d files failed", len(rep.Failed), len(srcs))
	}
	return nil
}

// runHFLive is quire ingest hf --live: the days from..to from the API.
func runHFLive(ctx context.Context, cfg config.Config, log *slog.Logger, env Env, from, to string) error {
	start := model.DateOf(time.Now())
	var err error
	if from != "" {
		if start, err = model.ParseDate(from); err != nil {
			return fmt.Errorf("%w: --from: %v", errUsage, err)
		}
	}
	end := start
	if to != "" {
		if end, err = model.ParseDate(to); err != nil {
			return fmt.Errorf("%w: --to: %v", errUsage, err)
		}
	}
	if end.Before(start) || end.Time().Sub(start.Time()) > 366*24*time.Hour {
		return fmt.Errorf("%w: --from %s --to %s: want at most a year, in order", errUsage, start, end)
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	h := hfLive(cfg, db, log)
	var n int
	_, err = ingest.RecordRun(ctx, db, "hf", cfg.HFEndpoint, func() (int, int, error) {
		var err error
		n, err = h.Sync(ctx, start, end)
		return n, 0, err
	})
	fmt.Fprintf(env.Stdout, "synced %d papers of %s..%s from %s\n", n, start, end, cfg.HFEndpoint)
	return err
}

// hfLive is the Hugging Face sync of cfg over db.
func hfLive(cfg config.Config, db *sqlstore.DB, log *slog.Logger) *ingest.HFLive {
	c := arxiv.NewClient(cfg.UserAgent(Version), log)
	c.Interval = 0 // Hugging Face asks for no spacing; its RateLimit headers say when to wait
	return &ingest.HFLive{Client: c, Store: db, Endpoint: cfg.HFEndpoint, Log: log}
}
