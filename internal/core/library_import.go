package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/quire/quire/internal/bib"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// TitleFinder finds a stored paper by its title (core.Papers does, through
// the search index).
type TitleFinder interface {
	ByTitle(ctx context.Context, title string) (string, error)
}

// MaxImportBytes bounds an imported file: 10,000 BibTeX entries with
// abstracts are about 15 MB.
const MaxImportBytes = 32 << 20

// Import outcomes of an entry.
const (
	ImportMatched   = "matched"   // a stored paper, now in the collection
	ImportFetching  = "fetching"  // an arXiv id not stored yet: fetched in the background, added when it arrives
	ImportNotFound  = "not found" // nothing to add; Reason says why
	ImportDuplicate = "duplicate" // the same paper as an earlier entry
)

// ImportEntry is the report of one entry of a file.
type ImportEntry struct {
	Line    int    `json:"line"`
	Key     string `json:"key,omitempty"`
	Title   string `json:"title,omitempty"`
	Status  string `json:"status"`
	PaperID string `json:"paperId,omitempty"`
	By      string `json:"matchedBy,omitempty"` // arxiv, doi or title
	Reason  string `json:"reason,omitempty"`
	Warning string `json:"warning,omitempty"`
}

// ImportReport is what an import did, entry by entry.
type ImportReport struct {
	Format   string        `json:"format"`
	Entries  []ImportEntry `json:"entries"`
	Added    int           `json:"added"`
	Matched  int           `json:"matched"`
	Fetching int           `json:"fetching"`
	NotFound int           `json:"notFound"`
}

// Import reads a bibliography (BibTeX, RIS, CSL-JSON or a list of ids;
// format "" detects it) into a's collection slug, in the file's order.
// Entries match stored papers by arXiv id, then DOI, then title; arXiv ids
// not stored yet keep their place and are fetched in the background. A
// file that does not parse is EINVALID with its line, and adds nothing.
func (l *Library) Import(ctx context.Context, a *model.Account, slug, format string, body []byte) (*ImportReport, error) {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return nil, err
	}
	if len(body) > MaxImportBytes {
		return nil, model.Errorf(model.EINVALID, "the file has %d MB; import at most %d MB at once", len(body)>>20, MaxImportBytes>>20)
	}
	entries, format, err := bib.Parse(body, format)
	var be *bib.Error
	switch {
	case errors.As(err, &be):
		return nil, model.Errorf(model.EINVALID, "%s", be.Error())
	case err != nil:
		return nil, model.Errorf(model.EINVALID, "%v", err)
	case len(entries) == 0:
		return nil, model.Errorf(model.EINVALID, "no entries found in the file (read as %s)", format)
	case c.Count+len(entries) > MaxCollectionItems:
		return nil, model.Errorf(model.ELIMIT, "%d entries would take the collection past %d papers", len(entries), MaxCollectionItems)
	}
	rep := &ImportReport{Format: format, Entries: make([]ImportEntry, len(entries))}
	ids, err := l.resolve(ctx, entries, rep)
	if err != nil {
		return nil, err
	}
	var items []store.ImportItem
	seen := map[string]int{}
	for i := range rep.Entries {
		e := &rep.Entries[i]
		id := ids[i]
		if id == "" {
			rep.NotFound++
			continue
		}
		if first, dup := seen[id]; dup {
			e.Status, e.Reason = ImportDuplicate, fmt.Sprintf("the same paper as line %d", first)
			continue
		}
		seen[id] = e.Line
		items = append(items, store.ImportItem{PaperID: id, Pending: e.Status == ImportFetching})
		if e.Status == ImportFetching {
			rep.Fetching++
		} else {
			rep.Matched++
		}
	}
	if rep.Added, err = l.Store.ImportItems(ctx, c.ID, items, l.Now()); err != nil {
		return nil, err
	}
	return rep, nil
}

// resolve finds each entry's paper: by arXiv id (stored, or to fetch),
// by DOI, by title. It fills the report's entries and returns the ids.
func (l *Library) resolve(ctx context.Context, entries []bib.Entry, rep *ImportReport) ([]string, error) {
	var arxiv, dois []string
	for i, e := range entries {
		rep.Entries[i] = ImportEntry{Line: e.Line, Key: e.Key, Title: e.Title, Warning: e.Warning}
		if e.ArxivID != "" {
			arxiv = append(arxiv, e.ArxivID)
		}
		if e.DOI != "" {
			dois = append(dois, e.DOI)
		}
	}
	stored := map[string]bool{}
	for lo := 0; lo < len(arxiv); lo += 500 {
		ps, err := l.Store.FindPapers(ctx, store.PaperFilter{IDs: arxiv[lo:min(lo+500, len(arxiv))], Brief: true})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			stored[p.ID] = true
		}
	}
	byDOI, err := l.Store.PaperIDsByDOI(ctx, dois)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		r := &rep.Entries[i]
		switch {
		case e.ArxivID != "" && stored[e.ArxivID]:
			ids[i], r.Status, r.By = e.ArxivID, ImportMatched, "arxiv"
		case e.DOI != "" && byDOI[e.DOI] != "":
			ids[i], r.Status, r.By = byDOI[e.DOI], ImportMatched, "doi"
		case e.ArxivID != "":
			ids[i], r.Status, r.By = e.ArxivID, ImportFetching, "arxiv"
		default:
			id := ""
			if l.Titles != nil && e.Title != "" {
				var err error
				if id, err = l.Titles.ByTitle(ctx, e.Title); err != nil && model.ErrorCode(err) != model.ENOTFOUND {
					return nil, err
				}
			}
			if id != "" {
				ids[i], r.Status, r.By, r.PaperID = id, ImportMatched, "title", id
				continue
			}
			r.Status = ImportNotFound
			switch {
			case e.DOI != "":
				r.Reason = "no stored paper has DOI " + e.DOI + ", and the entry names no arXiv id"
			case e.Title != "":
				r.Reason = "no arXiv id or DOI, and no stored paper has this title"
			default:
				r.Reason = "the entry has no arXiv id, DOI or title"
			}
		}
		r.PaperID = ids[i]
	}
	return ids, nil
}

// FetchPending brings up to batch of the papers that imports wait for from
// arXiv (fetch takes a batch of ids, politely, as submissions do) and puts
// them in their places. The fetch job of serve calls it.
func (l *Library) FetchPending(ctx context.Context, fetch func(context.Context, []string) error, batch int) (int, error) {
	ids, err := l.Store.PendingPapers(ctx, batch)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	if err := fetch(ctx, ids); err != nil && model.ErrorCode(err) != model.ENOTFOUND {
		return 0, fmt.Errorf("fetch pending papers: %w", err)
	}
	return l.Store.ResolvePending(ctx, ids, MaxFetchTries)
}

// MaxFetchTries is how many fetch runs an imported id waits for before it
// is dropped (arXiv has no such paper).
const MaxFetchTries = 3

// Pending counts the papers c waits for from arXiv.
func (l *Library) Pending(ctx context.Context, c *model.Collection) (int, error) {
	return l.Store.CollectionPending(ctx, c.ID)
}
