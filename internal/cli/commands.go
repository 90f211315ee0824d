package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/ingest"
)

func setup(name string, args []string, env Env, serve bool) (config.Config, *slog.Logger, []string, error) {
	cfg := config.Default()
	fs := newFlagSet(name, env)
	if serve {
		cfg.BindServeFlags(fs, env.Getenv)
	} else {
		cfg.BindFlags(fs, env.Getenv)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, nil, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return cfg, cfg.Logger(env.Stderr), fs.Args(), nil
}

func runServe(ctx context.Context, args []string, env Env) error {
	cfg, log, _, err := setup("serve", args, env, true)
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

func runMigrate(ctx context.Context, args []string, env Env) error {
	cfg, log, _, err := setup("migrate", args, env, false)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	return db.Close()
}

func runIngest(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "hf" {
		return fmt.Errorf("%w: quire ingest hf [flags] PATH (files or folders)", errUsage)
	}
	cfg, log, paths, err := setup("ingest hf", args[1:], env, false)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: quire ingest hf [flags] PATH...: name at least one file or folder", errUsage)
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
