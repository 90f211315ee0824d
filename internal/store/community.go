package store

import (
	"context"
	"time"

	"github.com/quire/quire/internal/model"
)

// Session is a server-side login session, found by the hash of its cookie.
type Session struct {
	User      string
	ExpiresAt time.Time
}

// APIToken is a personal token for the write API (only its hash is stored).
type APIToken struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// AccountStore keeps local accounts, sessions and API tokens.
type AccountStore interface {
	// CreateAccount adds an account; ECONFLICT when the name or e-mail is taken.
	CreateAccount(ctx context.Context, a *model.Account) error
	// FindAccount returns the local account with that name, or ENOTFOUND.
	FindAccount(ctx context.Context, name string) (*model.Account, error)
	// FindAccountByEmail returns the account with that e-mail, or ENOTFOUND.
	FindAccountByEmail(ctx context.Context, email string) (*model.Account, error)
	// UpdateAccount sets the password hash, role and suspension of an account.
	UpdateAccount(ctx context.Context, a *model.Account) error

	CreateSession(ctx context.Context, tokenHash, user string, expires time.Time) error
	// FindSession returns a live session, or ENOTFOUND (also when expired).
	FindSession(ctx context.Context, tokenHash string) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteSessions ends every session of a user (password change, suspension).
	DeleteSessions(ctx context.Context, user string) error
	// FindIdentity returns the account linked to an OpenID Connect
	// identity, or ENOTFOUND.
	FindIdentity(ctx context.Context, issuer, subject string) (string, error)
	// LinkIdentity links an identity to an account; ECONFLICT when the
	// identity is already linked (to anyone).
	LinkIdentity(ctx context.Context, issuer, subject, user string) error
	// DeleteAPITokens revokes every API token of a user (password change).
	DeleteAPITokens(ctx context.Context, user string) error

	CreateAPIToken(ctx context.Context, user, name, tokenHash string) (int64, error)
	// FindAPIToken returns the user owning the token, or ENOTFOUND.
	FindAPIToken(ctx context.Context, tokenHash string) (string, error)
	ListAPITokens(ctx context.Context, user string) ([]*APIToken, error)
	// DeleteAPIToken revokes one of user's tokens; ENOTFOUND if it is not theirs.
	DeleteAPIToken(ctx context.Context, user string, id int64) error
}

// VoteResult is a vote's outcome and what the vote's caller needs of the
// paper (its count, and whether an upvote may promote it), read in the
// vote's own statements: a vote is the busiest write there is.
type VoteResult struct {
	Changed     bool
	Upvotes     int // Hugging Face's and local
	OnDaily     bool
	Hidden      bool
	PublishedAt time.Time
}

// VoteStore keeps upvotes: one per user and paper.
type VoteStore interface {
	// Vote adds user's upvote and reports whether it was new, with the
	// paper as it is after it. The paper's count changes in the same
	// transaction. ENOTFOUND for an unknown paper.
	Vote(ctx context.Context, user, paperID string) (VoteResult, error)
	// Unvote removes it and reports whether there was one.
	Unvote(ctx context.Context, user, paperID string) (VoteResult, error)
	// Voted returns which of the papers user has upvoted.
	Voted(ctx context.Context, user string, paperIDs []string) (map[string]bool, error)
	// VotesSince returns, per paper, the times of votes cast since t.
	VotesSince(ctx context.Context, t time.Time) (map[string][]time.Time, error)
}

// CommentStore keeps comments; the paper's comment count follows visible ones.
type CommentStore interface {
	CreateComment(ctx context.Context, c *model.Comment) (int64, error)
	FindComment(ctx context.Context, id int64) (*model.Comment, error)
	// FindComments returns a paper's comments in order, deleted and hidden
	// ones included (callers decide what to show).
	FindComments(ctx context.Context, paperID string) ([]*model.Comment, error)
	UpdateComment(ctx context.Context, id int64, body string) error
	DeleteComment(ctx context.Context, id int64) error
	SetCommentHidden(ctx context.Context, id int64, hidden bool, by string) error
}

// Submission is one submission to the daily list.
type Submission struct {
	PaperID, User string
	Day           model.Date
	Org           string // "" keeps the paper's organization
	// Cap > 0 refuses the submission when User has made Cap submissions
	// since Since: checked in the transaction that writes, with the user
	// locked, so that racing submissions cannot pass the cap together.
	Cap   int
	Since time.Time
}

// CurationStore keeps what the community does to papers: submissions to the
// daily list, links, organizations, hiding, author claims, and the log of
// moderation.
type CurationStore interface {
	// SubmitPaper puts a paper on a day's list: ECONFLICT if it is on one,
	// EFORBIDDEN if moderators hid it, ELIMIT past the submission's cap.
	SubmitPaper(ctx context.Context, s Submission) error
	// CountSubmissions counts user's submissions since t.
	CountSubmissions(ctx context.Context, user string, since time.Time) (int, error)
	SetLinks(ctx context.Context, paperID, githubRepo, projectPage, addedBy, by string) error
	SetPaperHidden(ctx context.Context, paperID string, hidden bool) error
	CreateOrganization(ctx context.Context, o *model.Organization) error
	SetAuthorParticipating(ctx context.Context, paperID string) error

	CreateClaim(ctx context.Context, c *model.Claim) (int64, error)
	FindClaims(ctx context.Context, status string) ([]*model.Claim, error)
	// DecideClaim approves or rejects a pending claim; approval links the
	// author entry to the user.
	DecideClaim(ctx context.Context, id int64, status, by string) error
	// ClaimedPapers returns the ids of papers whose claims by user were approved.
	ClaimedPapers(ctx context.Context, user string) ([]string, error)

	LogModAction(ctx context.Context, a *model.ModAction) error
	RecentModActions(ctx context.Context, limit int) ([]*model.ModAction, error)
}

// AccountData is what the account archive and the deletion of an account
// need beyond the other stores.
type AccountData interface {
	// UserVotes returns the ids of the papers user upvoted, oldest vote first.
	UserVotes(ctx context.Context, user string) ([]string, error)
	// UserComments returns user's comments, oldest first.
	UserComments(ctx context.Context, user string) ([]*model.Comment, error)
	// DeleteAccount removes in one transaction the account's sessions,
	// tokens, identities, collections, notes, follows, saved searches and
	// subscription, withdraws its votes (the counts follow), and leaves a
	// tombstone that keeps the name and shows its comments as by a
	// deleted user. ENOTFOUND when there is no such account.
	DeleteAccount(ctx context.Context, name string) error
}
