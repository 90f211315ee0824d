package core_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
)

// TestFindFillsTheLimitPastHiddenPapers hides more of the best matches
// than a plain query's margin: the search goes deeper and still returns
// the limit, with no hidden paper.
func TestFindFillsTheLimitPastHiddenPapers(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	var papers []*model.Paper
	for i := 0; i < 60; i++ {
		papers = append(papers, &model.Paper{ID: fmt.Sprintf("2501.%05d", i), Title: fmt.Sprintf("Quantum annealing part %d", i),
			Summary: "Quantum annealing of spin glasses.", PublishedAt: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)})
	}
	if _, err := db.UpsertPapers(ctx, papers); err != nil {
		t.Fatal(err)
	}
	ix := search.New(db)
	papersSvc := &core.Papers{Store: db, Search: ix, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	hidden := map[string]bool{}
	for _, h := range ix.Search("quantum annealing", 30) {
		if len(hidden) < 25 {
			hidden[h.ID] = true
			if err := db.SetPaperHidden(ctx, h.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := papersSvc.Find(ctx, core.SearchQuery{Q: "quantum annealing", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Errorf("%d results, want 10", len(got))
	}
	for _, p := range got {
		if hidden[p.ID] || p.Hidden {
			t.Errorf("hidden paper %s returned", p.ID)
		}
	}
}
