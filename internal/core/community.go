package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// SubmitRules are an instance's rules for the daily list, as on Hugging
// Face: a paper once, within a window of its first version, a daily cap
// per user, and an optional minimum account age.
type SubmitRules struct {
	Window        time.Duration
	DailyCap      int
	MinAccountAge time.Duration
}

// DefaultSubmitRules are Hugging Face's current ones.
var DefaultSubmitRules = SubmitRules{Window: 14 * 24 * time.Hour, DailyCap: 5}

// Community is voting, submitting, commenting, claiming and moderating.
type Community struct {
	Store store.Store
	// Fetch brings a paper that is not stored yet from arXiv.
	Fetch func(ctx context.Context, id string) error
	Rules SubmitRules
	Now   func() time.Time
	// PromoteOnUpvote: a member's upvote submits a paper that is not on the
	// Daily list yet (see promote).
	PromoteOnUpvote bool
}

// Vote casts or withdraws a's upvote and returns the paper's state after
// it. An upvote may promote the paper onto today's Daily list (promote).
func (c *Community) Vote(ctx context.Context, a *model.Account, rawID string, on bool) (store.VoteResult, error) {
	if err := requireMember(a); err != nil {
		return store.VoteResult{}, err
	}
	id, err := model.NormalizeArxivID(rawID)
	if err != nil {
		return store.VoteResult{}, model.Errorf(model.ENOTFOUND, "paper %q not found", rawID)
	}
	if !on {
		return c.Store.Unvote(ctx, a.Name, id)
	}
	res, err := c.Store.Vote(ctx, a.Name, id)
	if err != nil || !c.PromoteOnUpvote {
		return res, err
	}
	if _, err := c.promote(ctx, a, id, res); err != nil {
		return res, err
	}
	return res, nil
}

// promote puts a freshly upvoted paper on today's Daily list, credited to
// the voter, when it is not on a list yet, not hidden, and within the
// submission window: a small instance's Daily list is its members' picks.
// The daily submission cap does not apply (a vote is not a submission
// spree); the minimum account age does. An un-vote never un-submits.
func (c *Community) promote(ctx context.Context, a *model.Account, id string, p store.VoteResult) (bool, error) {
	now := c.Now()
	if p.OnDaily || p.Hidden || now.Sub(a.CreatedAt) < c.Rules.MinAccountAge ||
		(!p.PublishedAt.IsZero() && now.Sub(p.PublishedAt) > c.Rules.Window) {
		return false, nil
	}
	err := c.Store.SubmitPaper(ctx, store.Submission{PaperID: id, User: a.Name, Day: model.DateOf(now)})
	if code := model.ErrorCode(err); code == model.ECONFLICT || code == model.EFORBIDDEN {
		return false, nil // promoted by another vote, or hidden, meanwhile
	}
	return err == nil, err
}

// FetchTimeout bounds the arXiv fetch of a submission.
const FetchTimeout = 20 * time.Second

// Submit puts a paper on today's daily list, fetching it from arXiv first
// when it is not stored.
func (c *Community) Submit(ctx context.Context, a *model.Account, rawID, org string) (*model.Paper, error) {
	if err := requireMember(a); err != nil {
		return nil, err
	}
	now := c.Now()
	if age := now.Sub(a.CreatedAt); age < c.Rules.MinAccountAge {
		return nil, model.Errorf(model.EFORBIDDEN, "accounts can submit papers %s after they are created; yours is %s old",
			c.Rules.MinAccountAge.Round(time.Hour), age.Round(time.Minute))
	}
	id, err := model.NormalizeArxivID(rawID)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "%q is not an arXiv id (like 2507.01234)", rawID)
	}
	n, err := c.Store.CountSubmissions(ctx, a.Name, now.Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	if c.Rules.DailyCap > 0 && n >= c.Rules.DailyCap {
		return nil, model.Errorf(model.ELIMIT, "you have submitted %d papers in the last 24 hours, the most allowed", n)
	}
	p, err := c.Store.FindPaperByID(ctx, id)
	if model.ErrorCode(err) == model.ENOTFOUND && c.Fetch != nil {
		// Someone waits for this answer: arXiv gets FetchTimeout, not the
		// minutes its backoff would take while it is down.
		fctx, cancel := context.WithTimeout(ctx, FetchTimeout)
		ferr := c.Fetch(fctx, id)
		cancel()
		if ferr != nil {
			if errors.Is(ferr, context.DeadlineExceeded) && ctx.Err() == nil {
				return nil, errors.Join(model.Errorf(model.EUNAVAILABLE, "arXiv did not answer within %d s; try again later", int(FetchTimeout.Seconds())), ferr)
			}
			return nil, fmt.Errorf("fetch %s from arXiv: %w", id, ferr)
		}
		p, err = c.Store.FindPaperByID(ctx, id)
	}
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, model.Errorf(model.ENOTFOUND, "arXiv has no paper %s", id)
	}
	if err != nil {
		return nil, err
	}
	if p.Daily != nil {
		return nil, model.Errorf(model.ECONFLICT, "%s is already on the daily list of %s", id, p.Daily.Day)
	}
	if first := p.PublishedAt; !first.IsZero() && now.Sub(first) > c.Rules.Window {
		return nil, model.Errorf(model.EFORBIDDEN, "papers can be submitted within %d days of their first arXiv version; %s is from %s",
			int(c.Rules.Window.Hours()/24), id, first.Format("Jan 2, 2006"))
	}
	if org != "" {
		if err := CanTagOrganization(a); err != nil {
			return nil, err
		}
		if _, err := c.Store.FindOrganizationByName(ctx, org); err != nil {
			return nil, err
		}
	}
	// The count above spares arXiv a fetch; the store enforces the cap.
	err = c.Store.SubmitPaper(ctx, store.Submission{PaperID: id, User: a.Name, Day: model.DateOf(now), Org: org,
		Cap: c.Rules.DailyCap, Since: now.Add(-24 * time.Hour)})
	if err != nil {
		return nil, err
	}
	return c.Store.FindPaperByID(ctx, id)
}

// MaxCommentLen bounds a comment.
const MaxCommentLen = 10000

// Comment adds a comment or, with parentID, a reply to a top-level comment.
func (c *Community) Comment(ctx context.Context, a *model.Account, rawID string, parentID int64, body string) (*model.Comment, error) {
	if err := requireMember(a); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" || len(body) > MaxCommentLen {
		return nil, model.Errorf(model.EINVALID, "a comment has 1 to %d characters", MaxCommentLen)
	}
	p, err := c.paper(ctx, rawID)
	if err != nil {
		return nil, err
	}
	if parentID != 0 {
		parent, err := c.Store.FindComment(ctx, parentID)
		if err != nil {
			return nil, err
		}
		if parent.PaperID != p.ID || parent.ParentID != 0 {
			return nil, model.Errorf(model.EINVALID, "replies go to a top-level comment of the same paper")
		}
	}
	cm := &model.Comment{PaperID: p.ID, User: a.Name, ParentID: parentID, Body: body}
	if cm.ID, err = c.Store.CreateComment(ctx, cm); err != nil {
		return nil, err
	}
	for _, au := range p.Authors {
		if au.User != nil && au.User.Name == a.Name && (p.Daily == nil || !p.Daily.IsAuthorParticipating) {
			if err := c.Store.SetAuthorParticipating(ctx, p.ID); err != nil {
				return nil, err
			}
		}
	}
	return cm, nil
}

func (c *Community) paper(ctx context.Context, rawID string) (*model.Paper, error) {
	id, err := model.NormalizeArxivID(rawID)
	if err != nil {
		return nil, model.Errorf(model.ENOTFOUND, "paper %q not found", rawID)
	}
	return c.Store.FindPaperByID(ctx, id)
}

// EditComment changes the body of a's own comment.
func (c *Community) EditComment(ctx context.Context, a *model.Account, id int64, body string) error {
	cm, err := c.Store.FindComment(ctx, id)
	if err != nil {
		return err
	}
	if err := CanEditComment(a, cm); err != nil {
		return err
	}
	body = strings.TrimSpace(body)
	if body == "" || len(body) > MaxCommentLen {
		return model.Errorf(model.EINVALID, "a comment has 1 to %d characters", MaxCommentLen)
	}
	return c.Store.UpdateComment(ctx, id, body)
}

// DeleteComment removes a comment (its author or a moderator).
func (c *Community) DeleteComment(ctx context.Context, a *model.Account, id int64) error {
	cm, err := c.Store.FindComment(ctx, id)
	if err != nil {
		return err
	}
	if err := CanDeleteComment(a, cm); err != nil {
		return err
	}
	return c.Store.DeleteComment(ctx, id)
}

// HideComment hides or shows a comment (moderators), and logs it.
func (c *Community) HideComment(ctx context.Context, a *model.Account, id int64, hidden bool, reason string) error {
	if err := requireModerator(a); err != nil {
		return err
	}
	if err := c.Store.SetCommentHidden(ctx, id, hidden, a.Name); err != nil {
		return err
	}
	return c.log(ctx, a, map[bool]string{true: "hide_comment", false: "unhide_comment"}[hidden], fmt.Sprint(id), reason)
}

// HidePaper hides a paper from the lists or shows it again (moderators).
func (c *Community) HidePaper(ctx context.Context, a *model.Account, rawID string, hidden bool, reason string) error {
	if err := requireModerator(a); err != nil {
		return err
	}
	p, err := c.paper(ctx, rawID)
	if err != nil {
		return err
	}
	if err := c.Store.SetPaperHidden(ctx, p.ID, hidden); err != nil {
		return err
	}
	return c.log(ctx, a, map[bool]string{true: "hide_paper", false: "unhide_paper"}[hidden], p.ID, reason)
}

// Suspend suspends or restores an account and ends its sessions.
func (c *Community) Suspend(ctx context.Context, a *model.Account, user string, suspend bool, reason string) error {
	target, err := c.Store.FindAccount(ctx, user)
	if err != nil {
		return err
	}
	if err := CanSuspend(a, target); err != nil {
		return err
	}
	target.SuspendedAt = time.Time{}
	if suspend {
		target.SuspendedAt = c.Now()
	}
	if err := c.Store.UpdateAccount(ctx, target); err != nil {
		return err
	}
	if suspend {
		if err := c.Store.DeleteSessions(ctx, user); err != nil {
			return err
		}
	}
	return c.log(ctx, a, map[bool]string{true: "suspend_user", false: "restore_user"}[suspend], user, reason)
}

func (c *Community) log(ctx context.Context, a *model.Account, action, target, reason string) error {
	return c.Store.LogModAction(ctx, &model.ModAction{Actor: a.Name, Action: action, Target: target, Reason: reason})
}

// SetLinks sets a paper's code repository and project page.
func (c *Community) SetLinks(ctx context.Context, a *model.Account, rawID, repo, page string) error {
	p, err := c.paper(ctx, rawID)
	if err != nil {
		return err
	}
	if err := CanSetLinks(a, p); err != nil {
		return err
	}
	for _, u := range []string{repo, page} {
		if u != "" && model.WebURL(u) == "" {
			return model.Errorf(model.EINVALID, "links must be http(s) URLs: %q", u)
		}
	}
	return c.Store.SetLinks(ctx, p.ID, repo, page, "user", a.Name)
}

// Claim asks to be recognised as author number pos of a paper.
func (c *Community) Claim(ctx context.Context, a *model.Account, rawID string, pos int) error {
	if err := requireMember(a); err != nil {
		return err
	}
	p, err := c.paper(ctx, rawID)
	if err != nil {
		return err
	}
	if pos < 0 || pos >= len(p.Authors) {
		return model.Errorf(model.EINVALID, "paper %s has no author %d", p.ID, pos+1)
	}
	if p.Authors[pos].User != nil {
		return model.Errorf(model.ECONFLICT, "%s is already claimed", p.Authors[pos].Name)
	}
	_, err = c.Store.CreateClaim(ctx, &model.Claim{PaperID: p.ID, Position: pos, User: a.Name})
	return err
}

// DecideClaim approves or rejects a pending claim (moderators).
func (c *Community) DecideClaim(ctx context.Context, a *model.Account, id int64, approve bool) error {
	if err := requireModerator(a); err != nil {
		return err
	}
	pending, err := c.Store.FindClaims(ctx, model.ClaimPending)
	if err != nil {
		return err
	}
	var claim *model.Claim
	for _, cl := range pending {
		if cl.ID == id {
			claim = cl
		}
	}
	if claim == nil {
		return model.Errorf(model.ENOTFOUND, "no pending claim %d", id)
	}
	if err := CanDecideClaim(a, claim); err != nil {
		return err
	}
	status := model.ClaimRejected
	if approve {
		status = model.ClaimApproved
	}
	if err := c.Store.DecideClaim(ctx, id, status, a.Name); err != nil {
		return err
	}
	return c.log(ctx, a, "claim_"+status, fmt.Sprint(id), "")
}

// CreateOrganization adds an organization (administrators).
func (c *Community) CreateOrganization(ctx context.Context, a *model.Account, name, fullname string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	if !usernameRe.MatchString(name) {
		return model.Errorf(model.EINVALID, "an organization handle is 2–39 letters, digits, '-' or '_'")
	}
	return c.Store.CreateOrganization(ctx, &model.Organization{Name: name, Fullname: strings.TrimSpace(fullname)})
}
