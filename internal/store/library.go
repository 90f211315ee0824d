package store

import (
	"context"
	"time"

	"github.com/quire/quire/internal/model"
)

// LibraryStore keeps what readers keep: collections of papers, and per
// user and paper a reading state and a note. It stores and finds; who may
// see or change a collection is core's rule.
type LibraryStore interface {
	// CreateCollection adds c and sets its ID; ECONFLICT when its owner
	// has a collection with that slug.
	CreateCollection(ctx context.Context, c *model.Collection) error
	// FindCollection returns owner's collection slug (owner in any case),
	// with its count, or ENOTFOUND.
	FindCollection(ctx context.Context, owner, slug string) (*model.Collection, error)
	// FindCollectionByID returns the collection id, or ENOTFOUND.
	FindCollectionByID(ctx context.Context, id int64) (*model.Collection, error)
	// FindCollectionByFeed returns the collection whose feed secret this
	// is, or ENOTFOUND.
	FindCollectionByFeed(ctx context.Context, secret string) (*model.Collection, error)
	// ListCollections returns owner's collections with their counts, the
	// Reading list first, then by name.
	ListCollections(ctx context.Context, owner string) ([]*model.Collection, error)
	// UpdateCollection sets name, description, privacy, order and feed
	// secret of the collection c.ID.
	UpdateCollection(ctx context.Context, c *model.Collection) error
	DeleteCollection(ctx context.Context, id int64) error
	// AddItems appends the papers to the collection in the given order at
	// time at; papers already in it stay where they are (their note is
	// replaced when a new one is given). It returns how many were new.
	// ENOTFOUND when a paper is not stored.
	AddItems(ctx context.Context, collectionID int64, items []model.CollectionItem, at time.Time) (int, error)
	// RemoveItem takes a paper out; ENOTFOUND when it was not in.
	RemoveItem(ctx context.Context, collectionID int64, paperID string) error
	// CollectionItems returns a page of the collection's items in its
	// order (without the papers).
	CollectionItems(ctx context.Context, c *model.Collection, offset, limit int) ([]model.CollectionItem, error)
	// SavedIn returns, per paper, the slugs of owner's collections that
	// hold it.
	SavedIn(ctx context.Context, owner string, paperIDs []string) (map[string][]string, error)

	// ImportItems appends papers in the given order in one transaction:
	// stored ones as items, pending ones (arXiv ids not stored yet) as
	// places kept for the fetch job. It returns how many items were new.
	ImportItems(ctx context.Context, collectionID int64, items []ImportItem, at time.Time) (int, error)
	// PendingPapers returns up to limit arXiv ids that imports wait for,
	// oldest first.
	PendingPapers(ctx context.Context, limit int) ([]string, error)
	// ResolvePending moves the pending places of the papers that are now
	// stored into their collections, at their kept positions; the others
	// of ids count a failed try, and are dropped after maxTries.
	ResolvePending(ctx context.Context, ids []string, maxTries int) (resolved int, err error)
	// CollectionPending counts the papers a collection waits for.
	CollectionPending(ctx context.Context, collectionID int64) (int, error)
	// PaperIDsByDOI returns the stored papers with these DOIs (lower case),
	// by DOI.
	PaperIDsByDOI(ctx context.Context, dois []string) (map[string]string, error)

	// MarkNotInterested records (or, on false, takes back) that the
	// collection's owner does not want paperID recommended for this interest.
	// ENOTFOUND for an unknown paper, or, taking back, a paper not marked.
	MarkNotInterested(ctx context.Context, collectionID int64, paperID string, on bool, at time.Time) error
	// NotInterested returns the papers marked for the collection, oldest first.
	NotInterested(ctx context.Context, collectionID int64) ([]string, error)

	// MarkRead sets or clears user's read mark on a paper.
	MarkRead(ctx context.Context, user, paperID string, read bool, at time.Time) error
	// SetNote sets user's private note on a paper ("" removes it).
	SetNote(ctx context.Context, user, paperID, note string, at time.Time) error
	// PaperStates returns user's states of the papers that have one; all
	// of them when paperIDs is nil.
	PaperStates(ctx context.Context, user string, paperIDs []string) (map[string]model.PaperState, error)
}

// ImportItem is one paper of an import: stored, or pending its fetch.
type ImportItem struct {
	PaperID string
	Pending bool
	Note    string
	AddedAt time.Time // zero: the import's time
}

// FollowStore keeps what readers follow.
type FollowStore interface {
	// Follow adds (or keeps) user's follow.
	Follow(ctx context.Context, user, kind, target string, at time.Time) error
	// Unfollow removes it; ENOTFOUND when there was none.
	Unfollow(ctx context.Context, user, kind, target string) error
	// Follows returns user's follows with, for author names, the papers
	// left out.
	Follows(ctx context.Context, user string) ([]model.Follow, error)
	// ExcludeFromFollow leaves a paper out of a followed author name, or
	// (excluded false) takes it back.
	ExcludeFromFollow(ctx context.Context, user, author, paperID string, excluded bool) error
	// UserFeed returns user's feed secret, storing fresh first when there
	// is none (or, with renew, replacing it).
	UserFeed(ctx context.Context, user, fresh string, renew bool) (string, error)
	// UserByFeed returns the user whose feed secret this is, or ENOTFOUND.
	UserByFeed(ctx context.Context, secret string) (string, error)
	// PapersByAuthor returns papers first published, or on the Daily list,
	// since t whose author
	// list holds name (any case; the caller checks the exact name), newest
	// first, at most limit.
	PapersByAuthor(ctx context.Context, name string, since time.Time, limit int) ([]*model.Paper, error)
}
