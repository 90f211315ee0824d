package ingest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/hf"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// HFPageSize is what one request asks for: Hugging Face's largest page.
const HFPageSize = 100

// HFLive keeps the store in step with Hugging Face's Daily Papers: for each
// day, every page of GET {Endpoint}/api/daily_papers?date=D, one request at
// a time through the polite client (429 and Retry-After honoured, a spent
// RateLimit quota waited out, backoff on errors).
type HFLive struct {
	Client   *arxiv.Client
	Store    store.PaperStore
	Endpoint string // https://huggingface.co
	Log      *slog.Logger
}

// DayResult is what one day's sync did.
type DayResult struct {
	Day     model.Date
	Papers  int
	Pages   int
	Updated int
}

// SyncDay fetches and writes one day. All of the day's pages are read
// first and written in one transaction: a malformed page writes nothing
// and is an error naming the day and the reason. Nothing is ever removed,
// so an empty or shorter answer for a day that had papers loses nothing.
func (h *HFLive) SyncDay(ctx context.Context, day model.Date) (*DayResult, error) {
	res := &DayResult{Day: day}
	var papers []*model.Paper
	seen := map[string]bool{}
	for page := 0; page < 50; page++ {
		u := fmt.Sprintf("%s/api/daily_papers?date=%s&limit=%d&p=%d", strings.TrimSuffix(h.Endpoint, "/"), day, HFPageSize, page)
		body, err := h.Client.Get(ctx, u)
		if err != nil {
			return res, fmt.Errorf("hf %s: %w", day, err)
		}
		res.Pages++
		got, err := hf.Parse(bytes.NewReader(body), day)
		if err != nil {
			return res, fmt.Errorf("hf %s, page %d: malformed response, nothing written: %w", day, page, err)
		}
		fresh := 0
		for _, p := range got {
			if !seen[p.ID] {
				seen[p.ID] = true
				papers = append(papers, p)
				fresh++
			}
		}
		// A short page is the last; a page with nothing new means the
		// server ignores paging.
		if len(got) < HFPageSize || fresh == 0 {
			break
		}
	}
	res.Papers = len(papers)
	if len(papers) == 0 {
		return res, nil
	}
	up, err := h.Store.UpsertPapers(ctx, papers)
	if err != nil {
		return res, fmt.Errorf("hf %s: write: %w", day, err)
	}
	res.Updated = up.Updated
	return res, nil
}

// Sync syncs every day from from to to (inclusive), oldest first, and
// returns the papers seen; it goes on past a failed day and reports all.
func (h *HFLive) Sync(ctx context.Context, from, to model.Date) (int, error) {
	var errs []string
	total := 0
	for d := from; !to.Before(d); d = d.AddDays(1) {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		r, err := h.SyncDay(ctx, d)
		if err != nil {
			h.Log.Warn("Hugging Face sync failed", slog.String("day", d.String()), slog.Any("error", err))
			errs = append(errs, err.Error())
			continue
		}
		total += r.Papers
		h.Log.Info("Hugging Face day synced", slog.String("day", d.String()), slog.Int("papers", r.Papers), slog.Int("pages", r.Pages))
	}
	if len(errs) > 0 {
		return total, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return total, nil
}
