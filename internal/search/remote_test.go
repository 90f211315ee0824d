package search

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quire/quire/internal/embed"
	"github.com/quire/quire/internal/embed/embedtest"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
)

// TestExternalEmbedderAndFallback runs the index with an endpoint that
// speaks the OpenAI embeddings format: once it has embedded every paper,
// a query finds a paper by a synonym only that endpoint knows; when the
// endpoint goes away, search answers with the built-in model.
func TestExternalEmbedderAndFallback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := sqlitetest.MustOpen(t)
	papers := topicPapers(100, 6, "t")
	papers = append(papers, &model.Paper{ID: "kitten", Title: "A kitten study", Summary: "The cat sat on the mat.",
		PublishedAt: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)})
	if _, err := db.UpsertPapers(ctx, papers); err != nil {
		t.Fatal(err)
	}
	srv := embedtest.Start("m")
	ix := New(db)
	ix.UseEmbedder(embed.New(srv.URL+"/v1", "m", ""))
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if hits := ix.Semantic("feline", 5, 0); len(hits) != 0 {
		t.Fatalf("the built-in model knows 'feline'? %v", hits)
	}
	remoteCtx, stopRemote := context.WithCancel(ctx)
	remoteDone := make(chan struct{})
	go func() {
		defer close(remoteDone)
		ix.RunRemote(remoteCtx, 10*time.Millisecond)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !ix.remote.ready.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the endpoint never embedded every paper")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if hits := ix.Semantic("feline", 5, 0); len(hits) == 0 || hits[0].ID != "kitten" {
		t.Errorf("with the endpoint: %v", hits)
	}
	if hits := ix.Similar("kitten", 3); len(hits) != 3 {
		t.Errorf("similar with the endpoint: %v", hits)
	}
	// The follower stops first: a step of it in flight could otherwise mark
	// the endpoint ready again after the failed query below.
	stopRemote()
	<-remoteDone
	ix.remote.ready.Store(false)
	builtin := fmt.Sprint(ix.Semantic("optimal transport", 5, 0))
	ix.remote.ready.Store(true)
	srv.Close()
	if got := fmt.Sprint(ix.Semantic("optimal transport", 5, 0)); got != builtin || builtin == "[]" {
		t.Errorf("without the endpoint: %s, want the built-in model's %s", got, builtin)
	}
	if ix.remote.ready.Load() {
		t.Error("after a failed query, the next ones still wait for the endpoint")
	}
}
