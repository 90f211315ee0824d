// Package demo holds the bundled demo corpus (real Hugging Face Daily Papers
// responses and the reference page's papers, see data/README.md) and loads
// it into an empty store, so that a new instance shows a full site at once.
package demo

import (
	"bufio"
	"compress/gzip"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

//go:embed data/*.json.gz data/seed-papers.jsonl.gz
var files embed.FS

// Data returns the embedded corpus files.
func Data() fs.FS {
	sub, _ := fs.Sub(files, "data")
	return sub
}

// LoadIfEmpty loads the corpus when the store has no papers yet and reports
// whether it did.
func LoadIfEmpty(ctx context.Context, st store.PaperStore, log *slog.Logger) (bool, error) {
	n, err := st.CountPapers(ctx, store.PaperFilter{})
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	return true, Load(ctx, st, log)
}

// Load imports the whole corpus (idempotent, like any import).
func Load(ctx context.Context, st store.PaperStore, log *slog.Logger) error {
	srcs, err := ingest.FSSources(Data())
	if err != nil {
		return err
	}
	rep := ingest.HF(ctx, st, srcs, log)
	if len(rep.Failed) > 0 {
		return fmt.Errorf("demo corpus: %w", rep.Failed[0])
	}
	seed, err := SeedPapers()
	if err != nil {
		return err
	}
	if _, err := st.UpsertPapers(ctx, seed); err != nil {
		return fmt.Errorf("demo corpus: seed papers: %w", err)
	}
	log.Info("demo corpus loaded", slog.Int("papers", rep.Papers+len(seed)), slog.Int("files", rep.Files+1))
	return nil
}

type seedPaper struct {
	Title        string   `json:"title"`
	Abstract     string   `json:"abstract"`
	Date         string   `json:"date"`
	Upvotes      int      `json:"upvotes"`
	Organization string   `json:"organization"`
	CodeURLs     []string `json:"code_urls"`
	ArxivID      string   `json:"arxiv_id"`
}

// SeedPapers returns the reference page's papers that have a known arXiv
// id. The page shows the day each was submitted, so they go on those days'
// lists. Author names are not on the page, so none are invented.
func SeedPapers() ([]*model.Paper, error) {
	f, err := Data().Open("seed-papers.jsonl.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var out []*model.Paper
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var s seedPaper
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("seed-papers.jsonl line %d: %w", line, err)
		}
		id, err := model.NormalizeArxivID(s.ArxivID)
		if err != nil {
			continue
		}
		day, err := model.ParseDate(s.Date)
		if err != nil {
			return nil, fmt.Errorf("seed-papers.jsonl line %d: %w", line, err)
		}
		p := &model.Paper{ID: id, Title: model.NormalizeSpace(s.Title), Summary: s.Abstract, Upvotes: s.Upvotes,
			PublishedAt: day.Time(), Daily: &model.Submission{Day: day, SubmittedAt: day.Time().Add(12 * time.Hour)}}
		for _, u := range s.CodeURLs {
			switch {
			case strings.HasPrefix(u, "https://github.com/") && p.GithubRepo == "":
				p.GithubRepo, p.GithubRepoAddedBy = strings.TrimSuffix(u, ".git"), "auto"
			case p.ProjectPage == "" && !strings.HasPrefix(u, "https://github.com/"):
				p.ProjectPage = u
			}
		}
		if s.Organization != "" {
			p.Organization = &model.Organization{Name: orgHandle(s.Organization), Fullname: s.Organization}
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// orgHandle turns "Stanford AI" into "stanford-ai".
func orgHandle(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), "-"))
}
