package core

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// Accounts is sign-up, log-in, sessions and tokens.
type Accounts struct {
	Store      store.Store
	Now        func() time.Time
	SessionTTL time.Duration
}

var usernameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{1,38}$`)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

// ErrBadLogin is the one answer to a failed login, whether or not the user
// exists.
var ErrBadLogin = model.Errorf(model.EINVALID, "wrong username or password")

// Signup creates a member account.
func (a *Accounts) Signup(ctx context.Context, name, email, password, role string) (*model.Account, error) {
	if !usernameRe.MatchString(name) {
		return nil, model.Errorf(model.EINVALID, "username must be 2–39 letters, digits, '-' or '_', starting with a letter or digit")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != strings.TrimSpace(email) || !strings.Contains(addr.Address, ".") {
		return nil, model.Errorf(model.EINVALID, "%q is not an e-mail address", email)
	}
	if len(password) < MinPasswordLen {
		return nil, model.Errorf(model.EINVALID, "password must have at least %d characters", MinPasswordLen)
	}
	if len(password) > 1024 {
		return nil, model.Errorf(model.EINVALID, "password is too long")
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	if role == "" {
		role = model.RoleMember
	}
	acct := &model.Account{Name: name, Email: addr.Address, PasswordHash: hash, Role: role, CreatedAt: a.Now()}
	if err := a.Store.CreateAccount(ctx, acct); err != nil {
		return nil, err
	}
	return acct, nil
}

// Login checks a username (or e-mail) and password and opens a session;
// it returns the cookie token. Any failure is ErrBadLogin.
func (a *Accounts) Login(ctx context.Context, login, password string) (*model.Account, string, error) {
	find := a.Store.FindAccount
	if strings.Contains(login, "@") {
		find = a.Store.FindAccountByEmail
	}
	acct, err := find(ctx, strings.TrimSpace(login))
	if model.ErrorCode(err) == model.ENOTFOUND {
		CheckPassword(dummyHash, password)
		return nil, "", ErrBadLogin
	}
	if err != nil {
		return nil, "", err
	}
	if !CheckPassword(acct.PasswordHash, password) {
		return nil, "", ErrBadLogin
	}
	if acct.Suspended() {
		return nil, "", model.Errorf(model.EFORBIDDEN, "this account is suspended")
	}
	token, err := a.NewSession(ctx, acct.Name)
	return acct, token, err
}

// LimitKey is the rate-limit key of a login attempt: the account it names
// however it is spelled (" Bob", "BOB", bob's e-mail in capitals), or the
// normalised text when no account has it.
func (a *Accounts) LimitKey(ctx context.Context, login string) string {
	login = strings.ToLower(strings.TrimSpace(login))
	find := a.Store.FindAccount
	if strings.Contains(login, "@") {
		find = a.Store.FindAccountByEmail
	}
	if acct, err := find(ctx, login); err == nil {
		return "account:" + strings.ToLower(acct.Name)
	}
	return "login:" + login
}

// NewSession opens a session for user and returns its cookie token. A new
// token on every login is the session rotation that defeats fixation.
func (a *Accounts) NewSession(ctx context.Context, user string) (string, error) {
	token, hash, err := NewSecret("qs_")
	if err != nil {
		return "", err
	}
	return token, a.Store.CreateSession(ctx, hash, user, a.Now().Add(a.SessionTTL))
}

// Authenticate returns the account of a session cookie or API token, or
// ENOTFOUND. Suspended accounts do not authenticate.
func (a *Accounts) Authenticate(ctx context.Context, token string) (*model.Account, error) {
	var user string
	if strings.HasPrefix(token, "qs_") {
		s, err := a.Store.FindSession(ctx, HashSecret(token))
		if err != nil {
			return nil, err
		}
		user = s.User
	} else {
		u, err := a.Store.FindAPIToken(ctx, HashSecret(token))
		if err != nil {
			return nil, err
		}
		user = u
	}
	acct, err := a.Store.FindAccount(ctx, user)
	if err != nil {
		return nil, err
	}
	if acct.Suspended() {
		return nil, model.Errorf(model.ENOTFOUND, "account suspended")
	}
	return acct, nil
}

// Logout ends the session of token.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	return a.Store.DeleteSession(ctx, HashSecret(token))
}

// ChangePassword checks the old password, sets the new one and ends every
// other session.
func (a *Accounts) ChangePassword(ctx context.Context, acct *model.Account, old, new string) (string, error) {
	if !CheckPassword(acct.PasswordHash, old) {
		return "", model.Errorf(model.EINVALID, "the current password is wrong")
	}
	return a.SetPassword(ctx, acct, new)
}

// SetPassword sets a password (CLI: no old password) and ends all sessions;
// it returns a fresh session token.
func (a *Accounts) SetPassword(ctx context.Context, acct *model.Account, password string) (string, error) {
	if len(password) < MinPasswordLen {
		return "", model.Errorf(model.EINVALID, "password must have at least %d characters", MinPasswordLen)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	acct.PasswordHash = hash
	if err := a.Store.UpdateAccount(ctx, acct); err != nil {
		return "", err
	}
	// A new password ends every credential the old one stood behind.
	if err := a.Store.DeleteSessions(ctx, acct.Name); err != nil {
		return "", err
	}
	if err := a.Store.DeleteAPITokens(ctx, acct.Name); err != nil {
		return "", err
	}
	return a.NewSession(ctx, acct.Name)
}

// CreateToken makes a personal API token and returns it (shown once).
func (a *Accounts) CreateToken(ctx context.Context, user, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", model.Errorf(model.EINVALID, "give the token a name of 1–100 characters")
	}
	token, hash, err := NewSecret("qt_")
	if err != nil {
		return "", err
	}
	_, err = a.Store.CreateAPIToken(ctx, user, name, hash)
	return token, err
}

// Delete deletes acct for good, confirmed by its password (an account that
// signs in through OpenID Connect, and has none, confirms with its name).
// Sessions, tokens, collections, notes, follows, saved searches and the
// subscription go; votes are withdrawn; comments stay, as by a deleted
// user; the name stays taken.
func (a *Accounts) Delete(ctx context.Context, acct *model.Account, confirm string) error {
	if acct == nil { // a suspended account may still delete itself
		return model.Errorf(model.EUNAUTH, "log in first")
	}
	ok := CheckPassword(acct.PasswordHash, confirm)
	if acct.PasswordHash == noPassword {
		ok = confirm == acct.Name
	}
	if !ok {
		return model.Errorf(model.EINVALID, "to delete the account, give its password")
	}
	return a.Store.DeleteAccount(ctx, acct.Name)
}
