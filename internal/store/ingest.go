package store

import (
	"context"
	"time"

	"github.com/quire/quire/internal/model"
)

// HarvestCursor is where an OAI-PMH harvest of one set stands. Datestamp is
// the last day fully harvested (the next run's from); RunFrom, Token and
// RunMax describe a run in progress, so that a killed run resumes.
type HarvestCursor struct {
	Source    string // endpoint and metadata format
	Set       string
	Datestamp string
	RunFrom   string
	Token     string
	RunMax    string
	UpdatedAt time.Time
}

// ImportProgress is how far a bulk file import has got.
type ImportProgress struct {
	Source string // identifies the file (path, size, modification time)
	Offset int64  // bytes of the (uncompressed) input consumed
	Line   int64  // lines consumed
	Done   bool
}

// Checkpoint is progress saved in the same transaction as a batch of papers,
// so that the two never disagree after a crash.
type Checkpoint struct {
	Cursor   *HarvestCursor
	Progress *ImportProgress
}

// IngestRun is one run of an importer or harvester, for the admin page.
type IngestRun struct {
	ID         int64
	Kind       string // "oai", "arxiv", "kaggle", "hf"
	Target     string // set, ids or file
	StartedAt  time.Time
	FinishedAt time.Time
	Status     string // "running", "ok", "failed"
	Records    int
	Skipped    int
	Message    string
}

// IngestStore keeps arXiv metadata and the state of harvests and imports.
type IngestStore interface {
	// BackfillListingDays gives every arXiv paper without a listing day the
	// one day computes from its v1 time, and returns how many it set.
	BackfillListingDays(ctx context.Context, day func(v1 time.Time) model.Date) (int, error)
	// UpsertArxiv writes arXiv metadata (titles, authors, categories,
	// versions …) without touching daily-list fields such as upvotes, and
	// saves cp in the same transaction. A version newer than the stored ones
	// is recorded as an event. The whole batch is written or none of it.
	UpsertArxiv(ctx context.Context, papers []*model.Paper, cp Checkpoint) (UpsertResult, error)

	// FindHarvestCursor returns the cursor of (source, set), or ENOTFOUND.
	FindHarvestCursor(ctx context.Context, source, set string) (*HarvestCursor, error)

	// SaveHarvestCursor writes the cursor on its own.
	SaveHarvestCursor(ctx context.Context, c *HarvestCursor) error

	// FindImportProgress returns the progress of source, or ENOTFOUND.
	FindImportProgress(ctx context.Context, source string) (*ImportProgress, error)

	// CreateIngestRun records a run that starts now and returns its id.
	CreateIngestRun(ctx context.Context, kind, target string) (int64, error)

	// FinishIngestRun records how a run ended.
	FinishIngestRun(ctx context.Context, id int64, status string, records, skipped int, message string) error

	// RecentIngestRuns returns the latest runs, newest first.
	RecentIngestRuns(ctx context.Context, limit int) ([]*IngestRun, error)

	// ReplacedBetween returns the papers with a new version submitted in
	// [from, to), oldest first.
	ReplacedBetween(ctx context.Context, from, to time.Time) ([]string, error)
	// PaperEvents returns the version events of a paper, oldest first.
	PaperEvents(ctx context.Context, id string) ([]PaperEvent, error)
}

// PaperEvent is a new arXiv version seen for a stored paper.
type PaperEvent struct {
	Version int
	Kind    string // "replaced"
	At      time.Time
}
