package core

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Library is what each reader keeps: collections, reading state, notes.
// Who may see a collection is decided here: a private one exists only for
// its owner (and for whoever holds its feed's secret URL), everywhere.
type Library struct {
	Store store.Store
	// Fetch brings a paper that is not stored yet from arXiv.
	Fetch func(ctx context.Context, id string) error
	// Titles finds stored papers by title for imports (nil: no title match).
	Titles TitleFinder
	// Vectors gives the dense vectors recommendations use (nil: TF-IDF
	// only).
	Vectors VectorSource
	Now     func() time.Time
}

// Limits of what one reader can keep, so that a visitor cannot grow the
// database without bound.
const (
	MaxCollections     = 500
	MaxCollectionItems = 50_000
	MaxNoteLen         = 20_000
	MaxNameLen         = 100
	MaxDescriptionLen  = 2_000
	MaxKeywordsLen     = 500
	MaxItemsPerCall    = 1_000
	maxFetchPerCall    = 10
)

// CollectionInput is a collection's editable fields; nil leaves one as it
// is (or at its default when creating).
type CollectionInput struct {
	Name        *string
	Description *string
	Private     *bool
	Order       *string
	Interest    *bool // recommend papers for it (/for-you)
	// Keywords start an interest before it has papers (a cold start).
	Keywords *string
	// NewFeedSecret revokes the feed URLs and makes new ones.
	NewFeedSecret bool
}

// Collections returns owner's collections that viewer may see: all of them
// for the owner (the Reading list made on first use), public ones for others.
func (l *Library) Collections(ctx context.Context, viewer *model.Account, owner string) ([]*model.Collection, error) {
	mine := viewer != nil && strings.EqualFold(viewer.Name, owner)
	if mine {
		if _, err := l.ReadingList(ctx, viewer); err != nil {
			return nil, err
		}
	}
	all, err := l.Store.ListCollections(ctx, owner)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if mine || !c.Private {
			out = append(out, c)
		}
	}
	return out, nil
}

// ReadingList returns a's Reading list, making it when a has none yet.
func (l *Library) ReadingList(ctx context.Context, a *model.Account) (*model.Collection, error) {
	if err := requireMember(a); err != nil {
		return nil, err
	}
	c, err := l.Store.FindCollection(ctx, a.Name, model.ReadingListSlug)
	if model.ErrorCode(err) != model.ENOTFOUND {
		return c, err
	}
	c = &model.Collection{Owner: a.Name, Slug: model.ReadingListSlug, Name: "Reading list", Private: true,
		Order: model.OrderRecent, Interest: true, FeedSecret: newSecret()}
	err = l.Store.CreateCollection(ctx, c)
	if model.ErrorCode(err) == model.ECONFLICT { // made by a concurrent request
		return l.Store.FindCollection(ctx, a.Name, model.ReadingListSlug)
	}
	return c, err
}

// Collection returns owner's collection slug if viewer may see it; a
// private one of someone else is ENOTFOUND, as if it did not exist.
func (l *Library) Collection(ctx context.Context, viewer *model.Account, owner, slug string) (*model.Collection, error) {
	if slug == model.ReadingListSlug && viewer != nil && strings.EqualFold(viewer.Name, owner) {
		return l.ReadingList(ctx, viewer)
	}
	c, err := l.Store.FindCollection(ctx, owner, slug)
	if err != nil {
		return nil, err
	}
	if err := CanSeeCollection(viewer, c); err != nil {
		return nil, err
	}
	return c, nil
}

// CollectionByFeed returns the collection whose secret feed URL this is.
func (l *Library) CollectionByFeed(ctx context.Context, secret string) (*model.Collection, error) {
	return l.Store.FindCollectionByFeed(ctx, secret)
}

// own returns a's collection slug, for changing it.
func (l *Library) own(ctx context.Context, a *model.Account, slug string) (*model.Collection, error) {
	if err := requireMember(a); err != nil {
		return nil, err
	}
	return l.Collection(ctx, a, a.Name, slug)
}

// Items returns a page of c's items with their papers, in c's order.
func (l *Library) Items(ctx context.Context, c *model.Collection, offset, limit int) ([]model.CollectionItem, error) {
	its, err := l.Store.CollectionItems(ctx, c, offset, limit)
	if err != nil || len(its) == 0 {
		return its, err
	}
	ids := make([]string, len(its))
	for i, it := range its {
		ids[i] = it.PaperID
	}
	// In batches: SQLite looks a numbered parameter up by name, so one
	// statement with 10,000 of them costs quadratic time.
	byID := make(map[string]*model.Paper, len(ids))
	for lo := 0; lo < len(ids); lo += 500 {
		ps, err := l.Store.FindPapers(ctx, store.PaperFilter{IDs: ids[lo:min(lo+500, len(ids))]})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			byID[p.ID] = p
		}
	}
	out := its[:0]
	for _, it := range its {
		if it.Paper = byID[it.PaperID]; it.Paper != nil {
			out = append(out, it)
		}
	}
	return out, nil
}

// CreateCollection makes a new collection of a's, private unless asked
// otherwise, with a slug from its name (made unique among a's).
func (l *Library) CreateCollection(ctx context.Context, a *model.Account, in CollectionInput) (*model.Collection, error) {
	if err := requireMember(a); err != nil {
		return nil, err
	}
	c := &model.Collection{Owner: a.Name, Private: true, Order: model.OrderAdded, FeedSecret: newSecret()}
	if err := applyInput(c, in); err != nil {
		return nil, err
	}
	if c.Name == "" {
		return nil, model.Errorf(model.EINVALID, "a collection needs a name")
	}
	have, err := l.Store.ListCollections(ctx, a.Name)
	if err != nil {
		return nil, err
	}
	if len(have) >= MaxCollections {
		return nil, model.Errorf(model.ELIMIT, "you have %d collections, the most one account can keep", len(have))
	}
	base := model.Slugify(c.Name)
	for n := 1; n <= 100; n++ {
		c.Slug = base
		if n > 1 {
			c.Slug = fmt.Sprintf("%s-%d", base, n)
		}
		// The insert is conditional on the slug: a race for one name
		// gives one of them the next number, never a duplicate.
		err := l.Store.CreateCollection(ctx, c)
		if model.ErrorCode(err) != model.ECONFLICT {
			return c, err
		}
	}
	return nil, model.Errorf(model.ECONFLICT, "too many collections named %q", c.Name)
}

// UpdateCollection changes a's collection slug.
func (l *Library) UpdateCollection(ctx context.Context, a *model.Account, slug string, in CollectionInput) (*model.Collection, error) {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return nil, err
	}
	if err := applyInput(c, in); err != nil {
		return nil, err
	}
	if c.Name == "" {
		return nil, model.Errorf(model.EINVALID, "a collection needs a name")
	}
	if err := l.Store.UpdateCollection(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteCollection deletes a's collection slug (not the Reading list).
func (l *Library) DeleteCollection(ctx context.Context, a *model.Account, slug string) error {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return err
	}
	if c.IsReadingList() {
		return model.Errorf(model.EFORBIDDEN, "the Reading list cannot be deleted; remove its papers instead")
	}
	return l.Store.DeleteCollection(ctx, c.ID)
}

func applyInput(c *model.Collection, in CollectionInput) error {
	if in.Name != nil {
		name := strings.Join(strings.Fields(*in.Name), " ")
		if utf8.RuneCountInString(name) > MaxNameLen {
			return model.Errorf(model.EINVALID, "a collection's name has at most %d characters", MaxNameLen)
		}
		c.Name = name
	}
	if in.Description != nil {
		if utf8.RuneCountInString(*in.Description) > MaxDescriptionLen {
			return model.Errorf(model.EINVALID, "a description has at most %d characters", MaxDescriptionLen)
		}
		c.Description = strings.TrimSpace(*in.Description)
	}
	if in.Private != nil {
		c.Private = *in.Private
	}
	if in.Order != nil {
		switch *in.Order {
		case model.OrderAdded, model.OrderRecent, model.OrderPublished:
			c.Order = *in.Order
		default:
			return model.Errorf(model.EINVALID, "order %q: want %s, %s or %s", *in.Order, model.OrderAdded, model.OrderRecent, model.OrderPublished)
		}
	}
	if in.Interest != nil {
		c.Interest = *in.Interest
	}
	if in.Keywords != nil {
		kw := strings.Join(strings.Fields(*in.Keywords), " ")
		if utf8.RuneCountInString(kw) > MaxKeywordsLen {
			return model.Errorf(model.EINVALID, "an interest's keywords have at most %d characters", MaxKeywordsLen)
		}
		c.Keywords = kw
	}
	if in.NewFeedSecret {
		c.FeedSecret = newSecret()
	}
	return nil
}

func newSecret() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported systems
	return base64.RawURLEncoding.EncodeToString(b)
}
