package search

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/quire/quire/internal/store"
)

// Embedder turns texts into unit vectors: an external model behind an
// OpenAI-compatible endpoint (package embed).
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// RemoteQueryTimeout bounds the endpoint's answer to a query; past it the
// query is answered with the built-in model.
var RemoteQueryTimeout = 2 * time.Second

// remoteBatch is how many papers go to the endpoint per call.
const remoteBatch = 32

// remote is the state of an external embedder: its vectors by document
// number (under Index.mu) and its own cursor over the store.
type remote struct {
	e      Embedder
	vix    *vectorIndex
	cursor store.ChangeCursor
	ready  atomic.Bool // every paper has a vector and the endpoint answers
}

// UseEmbedder makes semantic search and similar papers use e once
// RunRemote has embedded every paper, and while e answers; otherwise they
// use the built-in model, which is always kept.
func (ix *Index) UseEmbedder(e Embedder) { ix.remote = &remote{e: e} }

// RunRemote embeds papers with the external embedder until ctx ends. It
// follows the store as Sync does, a batch at a time, and backs off (up to
// a minute) while the endpoint fails.
func (ix *Index) RunRemote(ctx context.Context, poll time.Duration) {
	r := ix.remote
	backoff := time.Second
	for ctx.Err() == nil {
		wait, err := ix.remoteStep(ctx)
		pause := poll
		if err != nil {
			r.ready.Store(false)
			if ix.Log != nil && ctx.Err() == nil {
				ix.Log.Warn("embeddings endpoint failed; semantic search uses the built-in model", slog.Any("error", err),
					slog.Duration("retry_in", backoff))
			}
			pause, backoff, wait = backoff, min(2*backoff, time.Minute), true
		} else {
			backoff = time.Second
		}
		if wait {
			select {
			case <-ctx.Done():
			case <-time.After(pause):
			}
		}
	}
}

// remoteStep embeds the next batch; wait reports that there is nothing to
// do until the store or the index moves on.
func (ix *Index) remoteStep(ctx context.Context) (wait bool, err error) {
	r := ix.remote
	cs, err := ix.src.PaperChanges(ctx, r.cursor, remoteBatch)
	if err != nil || len(cs) == 0 {
		if err == nil {
			r.ready.Store(r.vix != nil)
		}
		return true, err
	}
	texts := make([]string, len(cs))
	for i, c := range cs {
		texts[i] = c.Paper.Title + "\n\n" + c.Paper.Summary
	}
	vecs, err := r.e.Embed(ctx, texts)
	if err != nil {
		return true, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i, c := range cs {
		doc, ok := ix.docOf[c.Paper.ID]
		if !ok { // Sync has not indexed it yet: come back to it
			return true, nil
		}
		if r.vix == nil {
			r.vix = newVectorIndex(len(vecs[i]), ix.live)
		} else if r.vix.store.dim != len(vecs[i]) { // the model changed: start over
			r.vix, r.cursor = nil, store.ChangeCursor{}
			r.ready.Store(false)
			return false, nil
		}
		r.vix.put(doc, vecs[i])
		r.cursor = c.At
	}
	return len(cs) < remoteBatch, nil
}

// remoteQuery embeds q with the external embedder when it is ready; nil
// means: use the built-in model.
func (ix *Index) remoteQuery(q string) []float32 {
	r := ix.remote
	if r == nil || !r.ready.Load() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), RemoteQueryTimeout)
	defer cancel()
	v, err := r.e.Embed(ctx, []string{q})
	if err != nil { // until RunRemote reaches it again, queries do not wait for it
		r.ready.Store(false)
		if ix.Log != nil {
			ix.Log.Warn("embeddings endpoint failed on a query; using the built-in model", slog.Any("error", err))
		}
		return nil
	}
	return v[0]
}
