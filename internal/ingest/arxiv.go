package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Fetcher fetches papers by id through arXiv's query API.
type Fetcher struct {
	Client   *arxiv.Client
	Store    store.IngestStore
	Endpoint string
	Log      *slog.Logger
}

// BatchSize is how many ids go in one query (arXiv allows far more; smaller
// batches keep each answer quick).
const BatchSize = 100

// FetchResult sums up a fetch.
type FetchResult struct {
	Papers   []*model.Paper
	Inserted int
	Updated  int
	Missing  []string // ids arXiv did not return
	Skipped  []*arxiv.RecordError
}

// Fetch fetches and stores the papers with the given ids.
func (f *Fetcher) Fetch(ctx context.Context, ids []string) (*FetchResult, error) {
	var norm []string
	for _, id := range ids {
		n, err := model.NormalizeArxivID(id)
		if err != nil {
			return nil, err
		}
		norm = append(norm, n)
	}
	res := &FetchResult{}
	for start := 0; start < len(norm); start += BatchSize {
		batch := norm[start:min(start+BatchSize, len(norm))]
		q := url.Values{"id_list": {strings.Join(batch, ",")}, "max_results": {strconv.Itoa(len(batch))}}
		u := f.Endpoint + "?" + q.Encode()
		body, err := f.Client.Get(ctx, u)
		if err != nil {
			return res, fmt.Errorf("fetch %s: %w", strings.Join(batch, ","), err)
		}
		page, err := arxiv.ParseAtom(body, u)
		if err != nil {
			return res, err
		}
		up, err := f.Store.UpsertArxiv(ctx, page.Papers, store.Checkpoint{})
		if err != nil {
			return res, err
		}
		res.Inserted += up.Inserted
		res.Updated += up.Updated
		res.Papers = append(res.Papers, page.Papers...)
		res.Skipped = append(res.Skipped, page.Skipped...)
		got := map[string]bool{}
		for _, p := range page.Papers {
			got[p.ID] = true
		}
		for _, id := range batch {
			if !got[id] {
				res.Missing = append(res.Missing, id)
			}
		}
	}
	return res, nil
}
