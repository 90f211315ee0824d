package core

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quire/quire/internal/bib"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// MaxFollows bounds what one reader follows.
const MaxFollows = 500

// Follow adds a follow of a's: an organization or a user that exists
// here, or any author name.
func (l *Library) Follow(ctx context.Context, a *model.Account, kind, target string) error {
	if err := requireMember(a); err != nil {
		return err
	}
	target = strings.Join(strings.Fields(target), " ")
	if target == "" || utf8.RuneCountInString(target) > MaxNameLen {
		return model.Errorf(model.EINVALID, "name what to follow (at most %d characters)", MaxNameLen)
	}
	switch kind {
	case model.FollowOrg:
		o, err := l.Store.FindOrganizationByName(ctx, target)
		if err != nil {
			return err
		}
		target = o.Name
	case model.FollowUser:
		u, err := l.Store.FindAccount(ctx, target)
		if err != nil {
			return err
		}
		target = u.Name
	case model.FollowAuthor:
	default:
		return model.Errorf(model.EINVALID, "follow kind %q: want org, user or author", kind)
	}
	have, err := l.Store.Follows(ctx, a.Name)
	if err != nil {
		return err
	}
	if len(have) >= MaxFollows {
		return model.Errorf(model.ELIMIT, "you follow %d things, the most one account can", len(have))
	}
	return l.Store.Follow(ctx, a.Name, kind, target, l.Now())
}

// Unfollow removes one of a's follows.
func (l *Library) Unfollow(ctx context.Context, a *model.Account, kind, target string) error {
	if err := requireMember(a); err != nil {
		return err
	}
	return l.Store.Unfollow(ctx, a.Name, kind, target)
}

// Exclude leaves a paper out of a's followed author name (someone else of
// that name), or takes it back.
func (l *Library) Exclude(ctx context.Context, a *model.Account, author, rawID string, excluded bool) error {
	id, err := l.paperID(a, rawID)
	if err != nil {
		return err
	}
	return l.Store.ExcludeFromFollow(ctx, a.Name, author, id, excluded)
}

// Follows returns a's follows.
func (l *Library) Follows(ctx context.Context, a *model.Account) ([]model.Follow, error) {
	if err := requireMember(a); err != nil {
		return nil, err
	}
	return l.Store.Follows(ctx, a.Name)
}

// FollowedPaper is a paper of /following with why it is there.
type FollowedPaper struct {
	*model.Paper
	Because []model.Follow // the follows it matched
}

// maxPerFollow bounds the papers one follow brings to the list.
const maxPerFollow = 200

// Following returns the papers first published, or put on the Daily
// list, in the last days that a's follows match, newest first, each with
// the follows it matched.
func (l *Library) Following(ctx context.Context, a *model.Account, days int) ([]FollowedPaper, error) {
	fs, err := l.Follows(ctx, a)
	if err != nil {
		return nil, err
	}
	since := l.Now().Add(-time.Duration(days) * 24 * time.Hour)
	byID := map[string]*FollowedPaper{}
	add := func(p *model.Paper, f model.Follow) {
		recent := !p.PublishedAt.Before(since) || (p.Daily != nil && !p.Daily.Day.Time().Before(since.Truncate(24*time.Hour)))
		if p.Hidden || !recent {
			return
		}
		fp := byID[p.ID]
		if fp == nil {
			fp = &FollowedPaper{Paper: p}
			byID[p.ID] = fp
		}
		fp.Because = append(fp.Because, f)
	}
	for _, f := range fs {
		var ps []*model.Paper
		switch f.Kind {
		case model.FollowOrg:
			ps, err = l.Store.FindPapers(ctx, store.PaperFilter{Organization: f.Target, OnDaily: true, Sort: store.SortSubmitted, Limit: maxPerFollow})
		case model.FollowUser:
			var ids []string
			if ids, err = l.Store.ClaimedPapers(ctx, f.Target); err == nil && len(ids) > 0 {
				ps, err = l.Store.FindPapers(ctx, store.PaperFilter{IDs: ids})
			}
		case model.FollowAuthor:
			var cands []*model.Paper
			if cands, err = l.Store.PapersByAuthor(ctx, f.Target, since, maxPerFollow*4); err == nil {
				ps = byAuthor(cands, f)
			}
		}
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			add(p, f)
		}
	}
	out := make([]FollowedPaper, 0, len(byID))
	for _, fp := range byID {
		out = append(out, *fp)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].PublishedAt.Equal(out[j].PublishedAt) {
			return out[i].PublishedAt.After(out[j].PublishedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

// byAuthor keeps the candidates with an author of exactly the followed
// name (case, accents and TeX aside) that were not excluded.
func byAuthor(cands []*model.Paper, f model.Follow) []*model.Paper {
	key := bib.TitleKey(f.Target)
	var out []*model.Paper
	for _, p := range cands {
		if slices.Contains(f.Excluded, p.ID) {
			continue
		}
		for _, a := range p.Authors {
			if !a.Hidden && bib.TitleKey(a.Name) == key {
				out = append(out, p)
				break
			}
		}
		if len(out) == maxPerFollow {
			break
		}
	}
	return out
}

// FollowingFeed returns the secret of a's /following feed (made on first
// use; renew makes a new one, which revokes the old URL).
func (l *Library) FollowingFeed(ctx context.Context, a *model.Account, renew bool) (string, error) {
	if err := requireMember(a); err != nil {
		return "", err
	}
	return l.Store.UserFeed(ctx, a.Name, newSecret(), renew)
}

// FollowingByFeed is Following for the holder of a feed secret.
func (l *Library) FollowingByFeed(ctx context.Context, secret string, days int) (string, []FollowedPaper, error) {
	user, err := l.Store.UserByFeed(ctx, secret)
	if err != nil {
		return "", nil, err
	}
	fps, err := l.Following(ctx, &model.Account{Name: user, Role: model.RoleMember}, days)
	return user, fps, err
}
