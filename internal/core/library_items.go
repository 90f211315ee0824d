package core

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Add puts papers (arXiv ids in any form) into a's collection slug, in the
// order given, with an optional note. Papers not stored yet are fetched from
// arXiv first (a few per call); if any is still unknown nothing is added.
func (l *Library) Add(ctx context.Context, a *model.Account, slug string, rawIDs []string, note string) (int, error) {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return 0, err
	}
	if len(rawIDs) == 0 {
		return 0, model.Errorf(model.EINVALID, "no paper ids given")
	}
	if len(rawIDs) > MaxItemsPerCall {
		return 0, model.Errorf(model.EINVALID, "%d ids in one call; send at most %d", len(rawIDs), MaxItemsPerCall)
	}
	if utf8.RuneCountInString(note) > MaxNoteLen {
		return 0, model.Errorf(model.EINVALID, "a note has at most %d characters", MaxNoteLen)
	}
	if c.Count+len(rawIDs) > MaxCollectionItems {
		return 0, model.Errorf(model.ELIMIT, "a collection holds at most %d papers", MaxCollectionItems)
	}
	ids, err := normalizeIDs(rawIDs)
	if err != nil {
		return 0, err
	}
	if err := l.ensureStored(ctx, ids); err != nil {
		return 0, err
	}
	items := make([]model.CollectionItem, len(ids))
	for i, id := range ids {
		items[i] = model.CollectionItem{PaperID: id, Note: strings.TrimSpace(note)}
	}
	return l.Store.AddItems(ctx, c.ID, items, l.Now())
}

// normalizeIDs returns the canonical arXiv ids, each once, in order.
func normalizeIDs(raw []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, r := range raw {
		id, err := model.ParseArxivRef(strings.TrimSpace(r))
		if err != nil {
			return nil, model.Errorf(model.EINVALID, "%q is not an arXiv id", r)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// ensureStored fetches the papers that are not stored yet, when there are
// few enough to fetch now, and fails naming those that stay unknown.
func (l *Library) ensureStored(ctx context.Context, ids []string) error {
	missing, err := l.missing(ctx, ids)
	if err != nil || len(missing) == 0 {
		return err
	}
	if l.Fetch != nil && len(missing) <= maxFetchPerCall {
		for _, id := range missing {
			fctx, cancel := context.WithTimeout(ctx, FetchTimeout)
			err := l.Fetch(fctx, id)
			cancel()
			if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
				return err
			}
		}
		if missing, err = l.missing(ctx, missing); err != nil || len(missing) == 0 {
			return err
		}
	}
	return model.Errorf(model.ENOTFOUND, "not found on arXiv or here: %s", strings.Join(missing, ", "))
}

func (l *Library) missing(ctx context.Context, ids []string) ([]string, error) {
	ps, err := l.Store.FindPapers(ctx, store.PaperFilter{IDs: ids, Brief: true})
	if err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(ps))
	for _, p := range ps {
		have[p.ID] = true
	}
	var out []string
	for _, id := range ids {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// Remove takes a paper out of a's collection slug.
func (l *Library) Remove(ctx context.Context, a *model.Account, slug, rawID string) error {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return err
	}
	id, err := model.NormalizeArxivID(rawID)
	if err != nil {
		return model.Errorf(model.ENOTFOUND, "paper %q is not in this collection", rawID)
	}
	return l.Store.RemoveItem(ctx, c.ID, id)
}

// MarkRead sets or clears a's read mark on a paper.
func (l *Library) MarkRead(ctx context.Context, a *model.Account, rawID string, read bool) error {
	id, err := l.paperID(a, rawID)
	if err != nil {
		return err
	}
	return l.Store.MarkRead(ctx, a.Name, id, read, l.Now())
}

// SetNote sets a's private note on a paper; an empty one removes it.
func (l *Library) SetNote(ctx context.Context, a *model.Account, rawID, note string) error {
	id, err := l.paperID(a, rawID)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(note) > MaxNoteLen {
		return model.Errorf(model.EINVALID, "a note has at most %d characters", MaxNoteLen)
	}
	return l.Store.SetNote(ctx, a.Name, id, strings.TrimSpace(note), l.Now())
}

func (l *Library) paperID(a *model.Account, rawID string) (string, error) {
	if err := requireMember(a); err != nil {
		return "", err
	}
	id, err := model.NormalizeArxivID(rawID)
	if err != nil {
		return "", model.Errorf(model.ENOTFOUND, "paper %q not found", rawID)
	}
	return id, nil
}

// Marks is what a list needs to show a's own marks on its cards.
type Marks struct {
	States map[string]model.PaperState
	Saved  map[string][]string // paper → slugs of a's collections
}

// Marks returns a's reading states and saved places for the papers; empty
// for a visitor.
func (l *Library) Marks(ctx context.Context, a *model.Account, ps []*model.Paper) (Marks, error) {
	m := Marks{States: map[string]model.PaperState{}, Saved: map[string][]string{}}
	if a == nil || len(ps) == 0 {
		return m, nil
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	var err error
	if m.States, err = l.Store.PaperStates(ctx, a.Name, ids); err != nil {
		return m, err
	}
	m.Saved, err = l.Store.SavedIn(ctx, a.Name, ids)
	return m, err
}

// NotInterested marks (or, on false, unmarks) a paper "not interested" for
// a's interest slug: its recommendations leave the paper out and learn
// from it.
func (l *Library) NotInterested(ctx context.Context, a *model.Account, slug, rawID string, on bool) error {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return err
	}
	id, err := l.paperID(a, rawID)
	if err != nil {
		return err
	}
	return l.Store.MarkNotInterested(ctx, c.ID, id, on, l.Now())
}
