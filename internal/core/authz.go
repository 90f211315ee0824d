package core

import (
	"strings"

	"github.com/quire/quire/internal/model"
)

// Who may do what, in one place above the store. Every function returns nil
// when the action is allowed and an EUNAUTH or EFORBIDDEN error that says
// why not. The web and API layers call these through Community; no backend
// checks permissions itself.

func requireMember(a *model.Account) error {
	if a == nil {
		return model.Errorf(model.EUNAUTH, "log in first")
	}
	if a.Suspended() {
		return model.Errorf(model.EFORBIDDEN, "this account is suspended")
	}
	return nil
}

func requireModerator(a *model.Account) error {
	if err := requireMember(a); err != nil {
		return err
	}
	if !a.IsModerator() {
		return model.Errorf(model.EFORBIDDEN, "only moderators can do this")
	}
	return nil
}

func requireAdmin(a *model.Account) error {
	if err := requireMember(a); err != nil {
		return err
	}
	if !a.IsAdmin() {
		return model.Errorf(model.EFORBIDDEN, "only administrators can do this")
	}
	return nil
}

// CanEditComment: the author, while the comment is not deleted or hidden.
func CanEditComment(a *model.Account, c *model.Comment) error {
	if err := requireMember(a); err != nil {
		return err
	}
	if c.User != a.Name {
		return model.Errorf(model.EFORBIDDEN, "only its author can edit a comment")
	}
	if !c.Visible() {
		return model.Errorf(model.EFORBIDDEN, "this comment was removed")
	}
	return nil
}

// CanDeleteComment: the author or a moderator.
func CanDeleteComment(a *model.Account, c *model.Comment) error {
	if err := requireMember(a); err != nil {
		return err
	}
	if c.User != a.Name && !a.IsModerator() {
		return model.Errorf(model.EFORBIDDEN, "only its author or a moderator can delete a comment")
	}
	return nil
}

// CanSetLinks: the submitter, a claimed author or a moderator.
func CanSetLinks(a *model.Account, p *model.Paper) error {
	if err := requireMember(a); err != nil {
		return err
	}
	if a.IsModerator() || (p.Daily != nil && p.Daily.SubmittedBy != nil && p.Daily.SubmittedBy.Name == a.Name) {
		return nil
	}
	for _, au := range p.Authors {
		if au.User != nil && au.User.Name == a.Name {
			return nil
		}
	}
	return model.Errorf(model.EFORBIDDEN, "only the submitter, a claimed author or a moderator can set links")
}

// CanSuspend: moderators suspend members; only admins suspend moderators
// and admins; nobody suspends themselves.
func CanSuspend(a *model.Account, target *model.Account) error {
	if err := requireModerator(a); err != nil {
		return err
	}
	if target.Name == a.Name {
		return model.Errorf(model.EFORBIDDEN, "you cannot suspend yourself")
	}
	if target.IsModerator() && !a.IsAdmin() {
		return model.Errorf(model.EFORBIDDEN, "only administrators can suspend moderators")
	}
	return nil
}

// CanDecideClaim: a moderator, on someone else's claim. Nobody verifies
// their own authorship.
func CanDecideClaim(a *model.Account, c *model.Claim) error {
	if err := requireModerator(a); err != nil {
		return err
	}
	if c.User == a.Name {
		return model.Errorf(model.EFORBIDDEN, "another moderator must decide your own claim")
	}
	return nil
}

// CanTagOrganization: tagging a paper with an organization speaks for that
// organization, so it is for moderators (quire has no membership of
// organizations yet).
func CanTagOrganization(a *model.Account) error {
	if err := requireMember(a); err != nil {
		return err
	}
	if !a.IsModerator() {
		return model.Errorf(model.EFORBIDDEN, "only moderators can tag a paper with an organization")
	}
	return nil
}

// CanManageAccount: changing a password or minting API tokens needs a
// browser session; an API token cannot mint or outlive its own authority.
func CanManageAccount(a *model.Account, bySession bool) error {
	if err := requireMember(a); err != nil {
		return err
	}
	if !bySession {
		return model.Errorf(model.EFORBIDDEN, "log in with your password to manage the account; API tokens cannot")
	}
	return nil
}

// CanSeeCollection: a public collection, anyone; a private one, its owner.
// Refused as ENOTFOUND, so that a private collection's name does not leak.
func CanSeeCollection(a *model.Account, c *model.Collection) error {
	if !c.Private || (a != nil && strings.EqualFold(a.Name, c.Owner)) {
		return nil
	}
	return model.Errorf(model.ENOTFOUND, "no such collection")
}
