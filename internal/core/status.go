package core

import (
	"context"
	"fmt"
	"time"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Source is the freshness of one source of papers: a followed arXiv
// category (its OAI-PMH set) or the Hugging Face sync.
type Source struct {
	Name        string // "arXiv cs.LG", "Hugging Face"
	Key         string // for metrics: "oai:cs:cs:LG", "hf"
	LastSuccess time.Time
	LastRun     time.Time
	LastError   string
	LatestDay   model.Date // the newest listing (or Daily) day it brought
	DayPapers   int        // papers on that day
	Next        time.Time  // next scheduled run, zero when none
	Warning     string     // a silent quiet day, a failing run
}

// SourceConfig is what the instance follows.
type SourceConfig struct {
	Categories   []string
	SetOf        func(string) string
	Sets         []string // harvested sets when no categories are given (--arxiv-sets)
	HF           bool
	HFEndpoint   string
	HarvestDelay time.Duration        // after an announcement, until its harvest
	Next         map[string]time.Time // next run per source key
}

// Sources reports every source's freshness. A followed category whose
// newest listing is older than arXiv's latest announcement (plus the
// harvest delay) is a warning: a quiet day must never pass silently.
func (p *Papers) Sources(ctx context.Context, cfg SourceConfig) ([]Source, error) {
	runs, err := p.Store.RecentIngestRuns(ctx, 500)
	if err != nil {
		return nil, err
	}
	now := p.Now()
	var out []Source
	type follow struct{ name, set string }
	var follows []follow
	for _, c := range cfg.Categories {
		follows = append(follows, follow{c, cfg.SetOf(c)})
	}
	if len(cfg.Categories) == 0 {
		for _, s := range cfg.Sets {
			follows = append(follows, follow{"", s})
		}
	}
	expected := model.DateOf(arxiv.LastAnnouncement(now.Add(-cfg.HarvestDelay)).UTC())
	for _, f := range follows {
		src := Source{Name: "arXiv " + f.name, Key: "oai:" + f.set}
		if f.name == "" {
			src.Name = "arXiv set " + f.set
		}
		fillRuns(&src, runs, "oai", f.set)
		src.Next = cfg.Next[src.Key]
		if f.name != "" {
			cats := []string{f.name}
			day, err := p.Store.LatestListingDay(ctx, cats)
			if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
				return nil, err
			}
			if err == nil {
				src.LatestDay = day
				if src.DayPapers, err = p.Store.CountPapers(ctx, store.PaperFilter{Listed: day, Categories: cats}); err != nil {
					return nil, err
				}
			}
			if src.LatestDay.Before(expected) && !src.LastSuccess.IsZero() {
				src.Warning = fmt.Sprintf("nothing listed for %s yet, though arXiv announced it", expected)
			}
		}
		if src.LastError != "" && src.Warning == "" {
			src.Warning = "the last run failed"
		}
		out = append(out, src)
	}
	if cfg.HF {
		src := Source{Name: "Hugging Face Daily Papers", Key: "hf", Next: cfg.Next["hf"]}
		fillRuns(&src, runs, "hf", cfg.HFEndpoint)
		day, err := p.Store.LatestDailyDay(ctx)
		if err == nil {
			src.LatestDay = day
			if src.DayPapers, err = p.Store.CountPapers(ctx, store.PaperFilter{From: day, To: day.AddDays(1), OnDaily: true}); err != nil {
				return nil, err
			}
		} else if model.ErrorCode(err) != model.ENOTFOUND {
			return nil, err
		}
		if src.LastError != "" {
			src.Warning = "the last run failed"
		}
		out = append(out, src)
	}
	return out, nil
}

// fillRuns takes the source's last run and last successful run from runs
// (newest first).
func fillRuns(src *Source, runs []*store.IngestRun, kind, target string) {
	for _, r := range runs {
		if r.Kind != kind || r.Target != target {
			continue
		}
		if src.LastRun.IsZero() {
			src.LastRun = r.StartedAt
			if r.Status == "failed" {
				src.LastError = r.Message
			}
		}
		if r.Status == "ok" && src.LastSuccess.IsZero() {
			src.LastSuccess = r.FinishedAt
		}
	}
}
