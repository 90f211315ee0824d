package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/ingest"
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
	fmt.Fprintf(env.Stdout, "quire is serving on %s\n", m.URL())
	log.Info("serving", slog.String("url", m.URL()), slog.String("data", cfg.DataDir))
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
	cfg, log, paths, err := setup("ingest hf", args, env, nil)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: quire ingest hf [flags] PATH (files or folders)", errUsage)
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
