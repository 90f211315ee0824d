package core

import (
	"context"

	"github.com/quire/quire/internal/model"
)

// ResetInterest forgets what a's interest slug learnt from "not
// interested" marks; its papers stay, and its model is retrained from
// them on the next load.
func (l *Library) ResetInterest(ctx context.Context, a *model.Account, slug string) error {
	c, err := l.own(ctx, a, slug)
	if err != nil {
		return err
	}
	return l.Store.ResetInterest(ctx, c.ID)
}

// ForYouPrefs returns a's choices for /for-you.
func (l *Library) ForYouPrefs(ctx context.Context, a *model.Account) (model.ForYouPrefs, error) {
	if err := requireMember(a); err != nil {
		return model.ForYouPrefs{}, err
	}
	return l.Store.ForYouPrefs(ctx, a.Name)
}

// SetForYouPrefs records a's choices; the mix is a share of 0–100.
func (l *Library) SetForYouPrefs(ctx context.Context, a *model.Account, p model.ForYouPrefs) error {
	if err := requireMember(a); err != nil {
		return err
	}
	if p.Mix < 0 || p.Mix > 100 {
		return model.Errorf(model.EINVALID, "mix %d: want a share from 0 (your interests only) to 100 (upvotes only)", p.Mix)
	}
	return l.Store.SetForYouPrefs(ctx, a.Name, p)
}
