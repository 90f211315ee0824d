package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Harvester runs incremental OAI-PMH harvests of arXiv sets into the store.
type Harvester struct {
	Client   *arxiv.Client
	Store    store.Store
	Endpoint string
	Format   string
	LockDir  string // where run locks live (the data directory)
	Log      *slog.Logger
}

// HarvestResult sums up one harvest.
type HarvestResult struct {
	Pages    int
	Papers   int
	Inserted int
	Updated  int
	Deleted  int
	Skipped  []*arxiv.RecordError
	From     string // the from date the run used ("" for everything)
	Until    string // the datestamp the next run starts from
	Resumed  bool   // the run continued a run that had been interrupted
	Restarts int    // times an expired resumption token forced a restart
}

// maxRestarts bounds restarts after expired resumption tokens.
const maxRestarts = 3

func (h *Harvester) source() string { return h.Endpoint + "|" + h.Format }

// Harvest brings set up to date. from overrides the remembered datestamp.
// Each page is written together with the cursor, so a killed run resumes at
// the page it was on, and records are upserted by id, so none is ever
// stored twice.
func (h *Harvester) Harvest(ctx context.Context, set, from string) (*HarvestResult, error) {
	lock, err := TryLock(h.LockDir, "oai "+h.source()+" "+set)
	if err != nil {
		return nil, fmt.Errorf("harvest of set %q: %w", set, err)
	}
	defer lock.Unlock()

	cur, err := h.Store.FindHarvestCursor(ctx, h.source(), set)
	switch model.ErrorCode(err) {
	case "":
	case model.ENOTFOUND:
		cur = &store.HarvestCursor{Source: h.source(), Set: set}
	default:
		return nil, err
	}
	res := &HarvestResult{}
	if cur.Token != "" && from == "" {
		res.Resumed = true
		h.Log.Info("resuming interrupted harvest", slog.String("set", set), slog.String("from", cur.RunFrom))
	} else {
		cur.Token, cur.RunMax = "", ""
		cur.RunFrom = from
		if cur.RunFrom == "" {
			cur.RunFrom = cur.Datestamp
		}
	}
	res.From = cur.RunFrom
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		page, err := h.fetch(ctx, set, cur)
		switch {
		case arxiv.IsOAIError(err, "noRecordsMatch"):
			page = &arxiv.Page{} // nothing new: a success
		case arxiv.IsOAIError(err, "badResumptionToken") && res.Restarts < maxRestarts:
			res.Restarts++
			h.Log.Warn("resumption token expired; restarting from the run's first datestamp",
				slog.String("set", set), slog.String("from", cur.RunFrom))
			cur.Token = ""
			continue
		case err != nil:
			return res, fmt.Errorf("harvest of set %q: %w", set, err)
		}
		res.Pages++
		for _, d := range page.Datestamps {
			cur.RunMax = max(cur.RunMax, d)
		}
		cur.Token = page.Token
		if cur.Token == "" { // the list is complete
			cur.Datestamp = max(cur.Datestamp, cur.RunMax, cur.RunFrom)
			cur.RunFrom, cur.RunMax = "", ""
		}
		up, err := h.Store.UpsertArxiv(ctx, page.Papers, store.Checkpoint{Cursor: cur})
		if err != nil {
			return res, err
		}
		res.Papers += len(page.Papers)
		res.Inserted += up.Inserted
		res.Updated += up.Updated
		res.Deleted += page.Deleted
		res.Skipped = append(res.Skipped, page.Skipped...)
		for _, e := range page.Skipped {
			h.Log.Warn("record skipped", slog.String("error", e.Error()))
		}
		if cur.Token == "" {
			res.Until = cur.Datestamp
			return res, nil
		}
	}
}

func (h *Harvester) fetch(ctx context.Context, set string, cur *store.HarvestCursor) (*arxiv.Page, error) {
	q := url.Values{"verb": {"ListRecords"}}
	if cur.Token != "" {
		q.Set("resumptionToken", cur.Token)
	} else {
		q.Set("metadataPrefix", h.Format)
		if set != "" {
			q.Set("set", set)
		}
		if cur.RunFrom != "" {
			q.Set("from", cur.RunFrom)
		}
	}
	u := h.Endpoint + "?" + q.Encode()
	if strings.Contains(h.Endpoint, "?") {
		u = h.Endpoint + "&" + q.Encode()
	}
	body, err := h.Client.Get(ctx, u)
	if err != nil {
		return nil, err
	}
	return arxiv.ParseOAI(body, u)
}
