package core

import (
	"context"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/recommend"
	"github.com/quire/quire/internal/store"
)

// RankNewCursor names the batch job's place in the change feed.
const RankNewCursor = "rank-new"

// Batch sizes of RankNew: papers per corpus, interests per page of rows
// read and written together (bounding the job's memory whatever the
// number of readers).
const (
	rankPapersBatch    = 1000
	rankInterestsBatch = 500
)

// RankStats is what a RankNew run did.
type RankStats struct {
	Papers    int // new or changed papers of the window scored
	Interests int // interests whose ranking changed
	// OtherSpace counts models trained in another vector space (the
	// index's vectors were retrained since): scored by their terms alone,
	// and retrained when their interest is next shown. Unreadable counts
	// stored rows that did not decode, retrained now.
	OtherSpace, Unreadable int
}

// RankNew scores the papers written since its last run (it follows the
// store's change feed, which never skips a late commit) with every
// interest's stored model and merges them into the stored rankings, a few
// hundred interests per transaction. Run by one replica at a time (a
// leased job); a row replaced meanwhile by a retrain is read again and
// merged again, so no paper is lost. Its place in the feed moves only
// after a whole batch of papers is merged: a run that dies repeats work,
// and merging twice changes nothing.
func (l *Library) RankNew(ctx context.Context) (RankStats, error) {
	var st RankStats
	feed, err := l.Store.ChangeFeedID(ctx)
	if err != nil {
		return st, err
	}
	cur, err := l.Store.FeedCursor(ctx, RankNewCursor, feed)
	if err != nil {
		return st, err
	}
	for {
		cs, err := l.Store.PaperChanges(ctx, cur, rankPapersBatch)
		if err != nil || len(cs) == 0 {
			return st, err
		}
		cutoff := l.Now().Add(-MaxForYouDays * 24 * time.Hour)
		var ps []*model.Paper
		for _, c := range cs {
			if !c.Paper.Hidden && !freshAt(c.Paper).Before(cutoff) {
				ps = append(ps, c.Paper)
			}
		}
		if len(ps) > 0 {
			if err := l.rankBatch(ctx, ps, cutoff, &st); err != nil {
				return st, err
			}
		}
		cur = cs[len(cs)-1].At
		if err := l.Store.SetFeedCursor(ctx, RankNewCursor, feed, cur); err != nil {
			return st, err
		}
		if len(cs) < rankPapersBatch {
			return st, nil
		}
	}
}

// rankBatch merges papers ps into every stored ranking.
func (l *Library) rankBatch(ctx context.Context, ps []*model.Paper, cutoff time.Time, st *RankStats) error {
	st.Papers += len(ps)
	batch := recommend.NewBatch(l.corpus(ps))
	scores := make([]float32, len(ps))
	var after int64
	for {
		rows, err := l.Store.InterestRankingsAfter(ctx, after, rankInterestsBatch)
		if err != nil || len(rows) == 0 {
			return err
		}
		after = rows[len(rows)-1].CollectionID
		pending := rows
		for try := 0; len(pending) > 0; try++ {
			var changed []*store.InterestRanking
			for _, r := range pending {
				ok, other, err := merge(batch, r, ps, scores, cutoff.Unix())
				if err != nil { // a row that does not decode is replaced, not a reason to stop
					st.Unreadable++
					if err := l.retrainByID(ctx, r.CollectionID); err != nil {
						return err
					}
					continue
				}
				if other {
					st.OtherSpace++
				}
				if ok {
					changed = append(changed, r)
				}
			}
			saved, err := l.Store.SaveInterestRankings(ctx, changed)
			if err != nil {
				return err
			}
			// Rows another writer replaced meanwhile: read again, merge again.
			var lost []int64
			for i, ok := range saved {
				if ok {
					st.Interests++
				} else {
					lost = append(lost, changed[i].CollectionID)
				}
			}
			if len(lost) == 0 {
				break
			}
			if try == 3 { // the feed's place stays: the next run merges them
				return model.Errorf(model.EUNAVAILABLE, "%d interests' rankings kept changing while new papers were merged", len(lost))
			}
			again, err := l.Store.InterestRankings(ctx, lost)
			if err != nil {
				return err
			}
			pending = pending[:0]
			for _, id := range lost {
				if r := again[id]; r != nil {
					pending = append(pending, r)
				}
			}
		}
	}
}

// merge scores ps with r's model and merges them into r's ranking; changed
// is false when none enters it. other: the model was trained in another
// vector space, and scored by its terms alone.
func merge(b *recommend.Batch, r *store.InterestRanking, ps []*model.Paper, scores []float32, cutoff int64) (changed, other bool, err error) {
	m, err := b.Decode(r.Model)
	if err != nil {
		return false, false, err
	}
	other = b.Stale(m)
	rank, err := recommend.DecodeRanking(r.Ranking)
	if err != nil {
		return false, other, err
	}
	b.Score(m, scores)
	floor := float32(-1e30) // a full ranking takes only papers above its last
	if len(rank) >= RankKeep {
		floor = rank[len(rank)-1].Score
	}
	var add []recommend.Entry
	for i, p := range ps {
		// A changed paper already in the ranking keeps its place unless it
		// scores in again (the model is the same; its text rarely changes).
		if scores[i] > floor {
			add = append(add, recommend.Entry{ID: p.ID, Score: scores[i], Published: freshAt(p).Unix()})
		}
	}
	if len(add) == 0 {
		return false, other, nil
	}
	r.Ranking = recommend.EncodeRanking(rank.Merge(add, cutoff, RankKeep))
	return true, other, nil
}

// retrainByID retrains the interest collectionID, if it still is one.
func (l *Library) retrainByID(ctx context.Context, collectionID int64) error {
	c, err := l.Store.FindCollectionByID(ctx, collectionID)
	if model.ErrorCode(err) == model.ENOTFOUND || (err == nil && !c.Interest) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = l.refresh(ctx, c)
	return err
}
