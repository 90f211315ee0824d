package cli

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/sqlstore"
)

// SaveEvery is how often the server saves a changed search index even when
// no training happened (a training is saved at once).
const SaveEvery = 10 * time.Minute

func indexPath(cfg config.Config) string { return filepath.Join(cfg.DataDir, "search.idx") }

// feedbackTimeout bounds the store read of a search's feedback papers;
// past it the search goes on without feedback.
const feedbackTimeout = 2 * time.Second

// storeFeedback gives the search index the titles and abstracts of the
// papers its feedback pass expands a query with.
func storeFeedback(db store.PaperStore, log *slog.Logger) search.Feedback {
	return func(ids []string) map[string]string {
		ctx, cancel := context.WithTimeout(context.Background(), feedbackTimeout)
		defer cancel()
		ps, err := db.FindPapers(ctx, store.PaperFilter{IDs: ids})
		if err != nil {
			log.Warn("search feedback papers unavailable; searching without feedback", slog.Any("error", err))
			return nil
		}
		out := make(map[string]string, len(ps))
		for _, p := range ps {
			out[p.ID] = p.Title + " " + p.Summary
		}
		return out
	}
}

// openIndex loads the search index snapshot from the data directory, when
// there is a usable one, and syncs it with the store: a restart reads only
// the papers changed since the snapshot. A damaged snapshot is logged and
// the index is rebuilt from the store.
func openIndex(ctx context.Context, cfg config.Config, db store.PaperStore, log *slog.Logger) (*search.Index, error) {
	start := time.Now()
	ix := search.New(db)
	ix.Log = log
	ix.SetFeedback(storeFeedback(db, log))
	loaded, err := ix.Load(indexPath(cfg))
	switch {
	case err != nil:
		log.Warn("search index snapshot not used; rebuilding from the database", slog.Any("error", err))
	case loaded:
		log.Info("search index snapshot loaded", slog.Int("papers", ix.Len()), slog.Duration("took", time.Since(start)))
	}
	if err := ix.Sync(ctx); err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	log.Info("search index ready", slog.Int("papers", ix.Len()), slog.Duration("took", time.Since(start)))
	return ix, nil
}

// openPapers opens the store and the search index for a one-shot command
// (search, digest); the caller closes the store.
func openPapers(ctx context.Context, cfg config.Config, log *slog.Logger) (*sqlstore.DB, *core.Papers, error) {
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	ix, err := openIndex(ctx, cfg, db, log)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, &core.Papers{Store: db, Search: ix, Log: log, Now: time.Now}, nil
}

// persistIndex saves the index when Persist's rules say so, logging the
// outcome.
func persistIndex(cfg config.Config, ix *search.Index, log *slog.Logger, every time.Duration) {
	start := time.Now()
	saved, err := ix.Persist(indexPath(cfg), every)
	if err != nil {
		log.Warn("search index not saved", slog.Any("error", err))
	} else if saved {
		log.Info("search index saved", slog.Int("papers", ix.Len()), slog.Duration("took", time.Since(start)))
	}
}
