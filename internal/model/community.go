package model

import "time"

// Roles of local accounts, from least to most trusted.
const (
	RoleMember    = "member"
	RoleModerator = "moderator"
	RoleAdmin     = "admin"
)

// Account is a local user who can log in.
type Account struct {
	Name         string
	Email        string
	PasswordHash string
	Role         string
	CreatedAt    time.Time
	SuspendedAt  time.Time // zero when not suspended
}

// IsModerator reports whether the account may moderate.
func (a *Account) IsModerator() bool {
	return a != nil && (a.Role == RoleModerator || a.Role == RoleAdmin)
}

// IsAdmin reports whether the account is an administrator.
func (a *Account) IsAdmin() bool { return a != nil && a.Role == RoleAdmin }

// Suspended reports whether the account is suspended.
func (a *Account) Suspended() bool { return a != nil && !a.SuspendedAt.IsZero() }

// Comment is one comment on a paper; replies have a ParentID (one level).
type Comment struct {
	ID        int64
	PaperID   string
	User      string
	ParentID  int64 // 0 for a top-level comment
	Body      string
	CreatedAt time.Time
	EditedAt  time.Time
	DeletedAt time.Time
	HiddenAt  time.Time
	HiddenBy  string
}

// Visible reports whether the comment is shown to everyone.
func (c *Comment) Visible() bool { return c.DeletedAt.IsZero() && c.HiddenAt.IsZero() }

// Claim is a user's claim to be one author of a paper.
type Claim struct {
	ID        int64
	PaperID   string
	Position  int
	User      string
	Status    string // pending, approved, rejected
	CreatedAt time.Time
	DecidedBy string
}

// Claim statuses.
const (
	ClaimPending  = "pending"
	ClaimApproved = "approved"
	ClaimRejected = "rejected"
)

// ModAction is one entry of the moderation log.
type ModAction struct {
	ID        int64
	Actor     string
	Action    string // hide_paper, unhide_paper, hide_comment, suspend_user …
	Target    string
	Reason    string
	CreatedAt time.Time
}
