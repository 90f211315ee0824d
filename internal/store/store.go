// Package store defines the storage interface that every backend implements.
// Business rules live above it (in ingest, web, core); a backend only stores
// and finds. The conformance suite in storetest pins the behaviour down so
// that SQLite and PostgreSQL behave alike.
package store

import (
	"context"
	"time"

	"github.com/quire/quire/internal/model"
)

// Store is the whole storage interface, composed of per-aggregate parts.
type Store interface {
	PaperStore
	OrganizationStore
	IngestStore
	AccountStore
	VoteStore
	CommentStore
	CurationStore
	EmailStore
	ClusterStore
	LibraryStore
	AccountData
	FollowStore
	RecommendStore
	// Version returns a number that changes whenever any committed data
	// changes, including writes by other processes. Caches key on it.
	Version(ctx context.Context) (int64, error)
	Close() error
}

// Sort orders for FindPapers.
const (
	SortUpvotes    = "upvotes"     // most upvoted first, then newest submission
	SortSubmitted  = "submitted"   // newest submission to the daily list first
	SortPublished  = "published"   // newest arXiv publication first
	SortListing    = "listing"     // an arXiv listing: most upvoted first, then arXiv's order
	SortArxiv      = "arxiv"       // arXiv's order (by id)
	SortListedDesc = "listed-desc" // newest listing day first, then id descending
)

// PaperFilter selects papers for FindPapers and CountPapers. Zero fields do
// not filter.
type PaperFilter struct {
	IDs      []string
	From, To model.Date // daily-list days, To exclusive
	OnDaily  bool       // only papers submitted to the daily list
	// IncludeHidden lists papers hidden by moderators too (lists by IDs
	// always include them).
	IncludeHidden bool
	Submitter     string
	Organization  string
	Listed        model.Date // papers whose arXiv listing day this is
	// ListedBefore keeps papers listed before (Day, ID) in SortListedDesc
	// order (keyset paging); ListedOnly keeps only papers with a listing day.
	ListedBefore *ListingKey
	ListedOnly   bool
	// UnreadBy and UnsavedBy leave out what that user has marked read or
	// saved in any collection ("hide read").
	UnreadBy, UnsavedBy string
	// Recent keeps papers first published, or on the Daily list, at or
	// after this time.
	Recent     time.Time
	Categories []string // in any of these categories or archives ("cs.LG", "cs")
	Sort       string   // one of the Sort constants; SortSubmitted by default
	Offset     int
	Limit      int // 0 means no limit
	// Brief loads what a card shows and leaves out the abstract, the AI
	// summary, the versions and arXiv's free-text fields: a listing day
	// is a thousand papers, and their abstracts are most of its bytes.
	Brief bool
}

// ListingKey is a position in SortListedDesc order.
type ListingKey struct {
	Day model.Date
	ID  string
}

// UpsertResult counts what an upsert did.
type UpsertResult struct {
	Inserted int
	Updated  int
}

// PaperStore stores papers with their authors, organization and daily-list
// submission.
type PaperStore interface {
	// UpsertPapers inserts papers that are new and updates those that exist,
	// keyed by arXiv id, all in one transaction: either every paper is
	// written or none is. Fields that are empty in the incoming paper keep
	// their stored value, so that sources with fewer fields do not erase
	// what richer ones brought; counts take the incoming value.
	UpsertPapers(ctx context.Context, papers []*model.Paper) (UpsertResult, error)

	// FindPaperByID returns the paper with the bare arXiv id, or ENOTFOUND.
	FindPaperByID(ctx context.Context, id string) (*model.Paper, error)

	// FindPapers returns the papers matching f, with authors loaded.
	FindPapers(ctx context.Context, f PaperFilter) ([]*model.Paper, error)

	// CountPapers returns how many papers match f (ignoring Offset/Limit).
	CountPapers(ctx context.Context, f PaperFilter) (int, error)

	// DailyDays returns the nearest days strictly before and after d that
	// have papers on the daily list; a zero Date where there is none.
	DailyDays(ctx context.Context, d model.Date) (prev, next model.Date, err error)

	// LatestDailyDay returns the most recent day with papers, or ENOTFOUND
	// when the daily list is empty.
	LatestDailyDay(ctx context.Context) (model.Date, error)
	// ListingDays returns the nearest arXiv listing days before and after d
	// with visible papers in cats (any category when empty), zero if none.
	ListingDays(ctx context.Context, d model.Date, cats []string) (prev, next model.Date, err error)
	// LatestListingDay is the newest listing day with visible papers in
	// cats, or ENOTFOUND.
	LatestListingDay(ctx context.Context, cats []string) (model.Date, error)

	// PaperChanges returns up to limit papers changed after the cursor, in
	// the feed's order, hidden ones included, for keeping derived state
	// (the search index, embeddings) in step with the store. A change that
	// commits late is never skipped: it sorts after every cursor a reader
	// could have been given before it committed.
	PaperChanges(ctx context.Context, after ChangeCursor, limit int) ([]PaperChange, error)
	// ChangeFeedID names the feed: a cursor means something only to the
	// feed it came from (an index snapshot moved to another database
	// starts over).
	ChangeFeedID(ctx context.Context) (string, error)
}

// ChangeCursor is a position in the change feed of papers.
type ChangeCursor struct {
	// Seq orders commits: updated_at in Unix ms on SQLite, whose writers
	// take turns; the writing transaction's id on PostgreSQL, read only
	// below the oldest transaction still running.
	Seq int64
	ID  string
}

// PaperChange is a paper from the feed, with its position.
type PaperChange struct {
	Paper *model.Paper
	At    ChangeCursor
}

// OrganizationStore finds organizations.
type OrganizationStore interface {
	// FindOrganizationByName returns the organization with that handle, with
	// NumPapers counted, or ENOTFOUND.
	FindOrganizationByName(ctx context.Context, name string) (*model.Organization, error)

	// FindOrganizations returns all organizations that have papers, most
	// papers first.
	FindOrganizations(ctx context.Context) ([]*model.Organization, error)
}
