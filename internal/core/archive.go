package core

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// ArchiveFormat names quire's account archive; ArchiveVersion is bumped
// when a field changes meaning.
const (
	ArchiveFormat  = "quire-account-archive"
	ArchiveVersion = 1
)

// Archive is everything an account owns, as one JSON document: what
// /settings/export gives and another instance's import restores.
type Archive struct {
	Format        string              `json:"format"`
	Version       int                 `json:"version"`
	ExportedAt    time.Time           `json:"exportedAt"`
	Profile       ArchiveProfile      `json:"profile"`
	Collections   []ArchiveCollection `json:"collections"`
	Papers        []ArchivePaper      `json:"papers"` // reading state and notes
	Votes         []string            `json:"votes"`
	Comments      []ArchiveComment    `json:"comments"`
	SavedSearches []string            `json:"savedSearches"`
	Follows       []model.Follow      `json:"follows"`
	Subscription  *ArchiveSub         `json:"subscription,omitempty"`
}

// ArchiveProfile is the account itself (never its password).
type ArchiveProfile struct {
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"createdAt"`
}

// ArchiveCollection is a collection with its items in order.
type ArchiveCollection struct {
	Slug        string        `json:"slug"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Private     bool          `json:"private"`
	Order       string        `json:"order"`
	Interest    bool          `json:"interest"`
	Keywords    string        `json:"keywords,omitempty"`
	Items       []ArchiveItem `json:"items"`
	// NotInterested are the papers marked "not interested" for it.
	NotInterested []string `json:"notInterested,omitempty"`
}

// ArchiveItem is one paper of a collection.
type ArchiveItem struct {
	PaperID string    `json:"paperId"`
	AddedAt time.Time `json:"addedAt"`
	Note    string    `json:"note,omitempty"`
}

// ArchivePaper is the reader's own state of a paper.
type ArchivePaper struct {
	PaperID string     `json:"paperId"`
	Read    bool       `json:"read"`
	ReadAt  *time.Time `json:"readAt,omitempty"`
	Note    string     `json:"note,omitempty"`
}

// ArchiveComment is a comment the account wrote.
type ArchiveComment struct {
	PaperID   string    `json:"paperId"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"createdAt"`
	Reply     bool      `json:"reply"`
	Deleted   bool      `json:"deleted,omitempty"`
}

// ArchiveSub is the e-mail digest subscription.
type ArchiveSub struct {
	Email     string `json:"email"`
	Frequency string `json:"frequency"`
	Status    string `json:"status"`
}

// Export gathers a's archive.
func (l *Library) Export(ctx context.Context, a *model.Account) (*Archive, error) {
	if err := requireMember(a); err != nil {
		return nil, err
	}
	ar := &Archive{Format: ArchiveFormat, Version: ArchiveVersion, ExportedAt: l.Now().UTC(),
		Profile: ArchiveProfile{Name: a.Name, Email: a.Email, Role: a.Role, CreatedAt: a.CreatedAt.UTC()}}
	cs, err := l.Collections(ctx, a, a.Name)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		its, err := l.Store.CollectionItems(ctx, c, 0, 0)
		if err != nil {
			return nil, err
		}
		ac := ArchiveCollection{Slug: c.Slug, Name: c.Name, Description: c.Description, Private: c.Private, Order: c.Order,
			Interest: c.Interest, Keywords: c.Keywords, Items: []ArchiveItem{}}
		if ac.NotInterested, err = l.Store.NotInterested(ctx, c.ID); err != nil {
			return nil, err
		}
		for _, it := range its {
			ac.Items = append(ac.Items, ArchiveItem{PaperID: it.PaperID, AddedAt: it.AddedAt.UTC(), Note: it.Note})
		}
		ar.Collections = append(ar.Collections, ac)
	}
	states, err := l.Store.PaperStates(ctx, a.Name, nil)
	if err != nil {
		return nil, err
	}
	ar.Papers = []ArchivePaper{}
	for id, s := range states {
		p := ArchivePaper{PaperID: id, Read: s.Read, Note: s.Note}
		if s.Read {
			t := s.ReadAt.UTC()
			p.ReadAt = &t
		}
		ar.Papers = append(ar.Papers, p)
	}
	slices.SortFunc(ar.Papers, func(a, b ArchivePaper) int { return strings.Compare(a.PaperID, b.PaperID) })
	if ar.Votes, err = l.Store.UserVotes(ctx, a.Name); err != nil {
		return nil, err
	}
	comments, err := l.Store.UserComments(ctx, a.Name)
	if err != nil {
		return nil, err
	}
	ar.Comments = []ArchiveComment{}
	for _, c := range comments {
		ar.Comments = append(ar.Comments, ArchiveComment{PaperID: c.PaperID, Body: c.Body, CreatedAt: c.CreatedAt.UTC(),
			Reply: c.ParentID != 0, Deleted: !c.DeletedAt.IsZero()})
	}
	searches, err := l.Store.FindSavedSearches(ctx, a.Name)
	if err != nil {
		return nil, err
	}
	ar.SavedSearches = []string{}
	for _, s := range searches {
		ar.SavedSearches = append(ar.SavedSearches, s.Query)
	}
	if ar.Follows, err = l.Store.Follows(ctx, a.Name); err != nil {
		return nil, err
	}
	if a.Email != "" {
		sub, err := l.Store.FindSubscriptionByEmail(ctx, a.Email)
		switch {
		case err == nil:
			ar.Subscription = &ArchiveSub{Email: sub.Email, Frequency: sub.Frequency, Status: sub.Status}
		case model.ErrorCode(err) != model.ENOTFOUND:
			return nil, err
		}
	}
	if ar.Votes == nil {
		ar.Votes = []string{}
	}
	return ar, nil
}

// ArchiveReport is what restoring an archive did.
type ArchiveReport struct {
	Collections   int      `json:"collections"`
	Items         int      `json:"items"`
	Fetching      int      `json:"fetching"` // papers this instance fetches from arXiv, added when they arrive
	Papers        int      `json:"papers"`   // reading states and notes
	Votes         int      `json:"votes"`
	SavedSearches int      `json:"savedSearches"`
	Follows       int      `json:"follows"`
	Skipped       []string `json:"skipped,omitempty"` // what was not restored, and why
}

// MaxArchiveBytes bounds an archive upload.
const MaxArchiveBytes = MaxImportBytes

// ImportArchive restores an archive into a's account: collections (merged
// into one of the same slug), their items in order (papers this instance
// lacks are fetched from arXiv), reading states, notes, votes, saved
// searches and follows. Comments belong to the other instance's
// discussions and are not re-posted; a subscription needs its address
// confirmed here, so it is listed, not restored.
func (l *Library) ImportArchive(ctx context.Context, a *model.Account, body []byte) (*ArchiveReport, error) {
	if err := requireMember(a); err != nil {
		return nil, err
	}
	var ar Archive
	if err := json.Unmarshal(body, &ar); err != nil {
		return nil, model.Errorf(model.EINVALID, "not a quire account archive: %v", err)
	}
	if ar.Format != ArchiveFormat || ar.Version < 1 || ar.Version > ArchiveVersion {
		return nil, model.Errorf(model.EINVALID, "not a quire account archive (format %q, version %d)", ar.Format, ar.Version)
	}
	rep := &ArchiveReport{}
	for _, ac := range ar.Collections {
		if err := l.restoreCollection(ctx, a, ac, rep); err != nil {
			return nil, err
		}
	}
	for _, p := range ar.Papers {
		known, err := l.known(ctx, p.PaperID)
		if err != nil {
			return nil, err
		}
		if !known {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("reading state of %s: not stored here", p.PaperID))
			continue
		}
		if p.Read {
			if err := l.MarkRead(ctx, a, p.PaperID, true); err != nil {
				return nil, err
			}
		}
		if p.Note != "" {
			if err := l.SetNote(ctx, a, p.PaperID, p.Note); err != nil {
				return nil, err
			}
		}
		rep.Papers++
	}
	for _, id := range ar.Votes {
		res, err := l.Store.Vote(ctx, a.Name, id)
		if model.ErrorCode(err) == model.ENOTFOUND {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("vote for %s: not stored here", id))
			continue
		}
		if err != nil {
			return nil, err
		}
		if res.Changed {
			rep.Votes++
		}
	}
	for _, q := range ar.SavedSearches {
		if _, err := l.Store.CreateSavedSearch(ctx, a.Name, q, newSecret()); err != nil {
			return nil, err
		}
		rep.SavedSearches++
	}
	for _, f := range ar.Follows {
		if err := l.Follow(ctx, a, f.Kind, f.Target); err != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("follow %s %s: %s", f.Kind, f.Target, model.ErrorMessage(err)))
			continue
		}
		rep.Follows++
	}
	if len(ar.Comments) > 0 {
		rep.Skipped = append(rep.Skipped, fmt.Sprintf("%d comments: they belong to the discussions of the instance they were written on", len(ar.Comments)))
	}
	if ar.Subscription != nil {
		rep.Skipped = append(rep.Skipped, "the e-mail digest: subscribe here to confirm "+ar.Subscription.Email)
	}
	return rep, nil
}

func (l *Library) restoreCollection(ctx context.Context, a *model.Account, ac ArchiveCollection, rep *ArchiveReport) error {
	c, err := l.Collection(ctx, a, a.Name, ac.Slug)
	if model.ErrorCode(err) == model.ENOTFOUND {
		name, desc, priv, order, interest, kw := ac.Name, ac.Description, ac.Private, ac.Order, ac.Interest, ac.Keywords
		if order == "" {
			order = model.OrderAdded
		}
		in := CollectionInput{Name: &name, Description: &desc, Private: &priv, Order: &order, Interest: &interest, Keywords: &kw}
		if c, err = l.CreateCollection(ctx, a, in); err != nil {
			return err
		}
		rep.Collections++
	} else if err != nil {
		return err
	}
	var ids []string
	byID := map[string]ArchiveItem{}
	for _, it := range ac.Items {
		if id, err := model.ParseArxivRef(it.PaperID); err == nil {
			ids = append(ids, id)
			byID[id] = it
		} else {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%q in %s: not an arXiv id", it.PaperID, ac.Slug))
		}
	}
	stored := map[string]bool{}
	for lo := 0; lo < len(ids); lo += 500 {
		ps, err := l.Store.FindPapers(ctx, store.PaperFilter{IDs: ids[lo:min(lo+500, len(ids))], Brief: true})
		if err != nil {
			return err
		}
		for _, p := range ps {
			stored[p.ID] = true
		}
	}
	items := make([]store.ImportItem, 0, len(ids))
	for _, id := range ids {
		items = append(items, store.ImportItem{PaperID: id, Pending: !stored[id], Note: byID[id].Note, AddedAt: byID[id].AddedAt})
		if !stored[id] {
			rep.Fetching++
		}
	}
	n, err := l.Store.ImportItems(ctx, c.ID, items, l.Now())
	rep.Items += n
	if err != nil {
		return err
	}
	for _, id := range ac.NotInterested {
		if err := l.Store.MarkNotInterested(ctx, c.ID, id, true, l.Now()); err != nil && model.ErrorCode(err) != model.ENOTFOUND {
			return err
		}
	}
	return nil
}

func (l *Library) known(ctx context.Context, id string) (bool, error) {
	missing, err := l.missing(ctx, []string{id})
	return len(missing) == 0, err
}
