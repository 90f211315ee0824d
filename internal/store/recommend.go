package store

import (
	"context"
	"time"

	"github.com/quire/quire/internal/model"
)

// RecommendStore keeps what recommendations are served from between
// requests: each interest's trained model and its ranking of the recent
// papers (both encoded by package recommend, opaque here), the position of
// the job that ranks new papers in the change feed, and each reader's
// choices for /for-you.
type RecommendStore interface {
	// InterestRankings returns the stored rankings of these collections;
	// a collection without one is absent from the map.
	InterestRankings(ctx context.Context, collectionIDs []int64) (map[int64]*InterestRanking, error)
	// InterestRankingsAfter returns up to limit stored rankings of
	// interests with an id above after, by id (the batch job's pages).
	InterestRankingsAfter(ctx context.Context, after int64, limit int) ([]*InterestRanking, error)
	// SaveInterestRankings stores each r, in one transaction, if its
	// stored row is still at revision r.Rev (0: there is none), and moves
	// r.Rev on; saved[i] is false, with nothing written for it, when
	// another writer came first, so that no ranking is replaced by one
	// computed from an older read.
	SaveInterestRankings(ctx context.Context, rs []*InterestRanking) (saved []bool, err error)
	// StaleInterests returns up to limit interests (with papers or
	// keywords) whose ranking is missing or older than their version.
	StaleInterests(ctx context.Context, limit int) ([]*model.Collection, error)
	// ResetInterest forgets what an interest learnt beyond its papers:
	// its "not interested" marks; its ranking becomes stale.
	ResetInterest(ctx context.Context, collectionID int64) error

	// FeedCursor returns how far the named job followed the change feed
	// feed; the zero cursor when it has not, or followed another feed.
	FeedCursor(ctx context.Context, name, feed string) (ChangeCursor, error)
	// SetFeedCursor records it.
	SetFeedCursor(ctx context.Context, name, feed string, c ChangeCursor) error

	// ForYouPrefs returns user's choices (the zero value when none).
	ForYouPrefs(ctx context.Context, user string) (model.ForYouPrefs, error)
	SetForYouPrefs(ctx context.Context, user string, p model.ForYouPrefs) error
}

// InterestRanking is an interest's stored model and ranking.
type InterestRanking struct {
	CollectionID int64
	Version      int64 // the collection's version the model learnt
	Rev          int64 // writes to the row so far (0: not stored)
	Model        []byte
	Ranking      []byte
	UpdatedAt    time.Time
}
