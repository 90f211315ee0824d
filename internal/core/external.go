package core

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/quire/quire/internal/model"
)

// ExternalIdentity is what an OpenID Connect provider says about the
// person who signed in, after quire checked the ID token.
type ExternalIdentity struct {
	Issuer, Subject string
	Email           string
	EmailVerified   bool
	Username        string // preferred_username, a hint for a new account's name
}

// noPassword marks an account made by sign-in with a provider: it is an
// account (it has a "hash") but no password matches it, until its owner
// sets one.
const noPassword = "external:no-password"

// LoginExternal signs in through an OpenID Connect provider: the identity
// linked before, else the account with the same verified e-mail (linked
// now), else a new account. An e-mail the provider did not verify links
// nothing and creates nothing: anyone can claim an address at some
// provider. It returns the account and a new session token.
func (a *Accounts) LoginExternal(ctx context.Context, id ExternalIdentity) (*model.Account, string, error) {
	if id.Issuer == "" || id.Subject == "" {
		return nil, "", model.Errorf(model.EINVALID, "the provider's answer has no subject")
	}
	name, err := a.Store.FindIdentity(ctx, id.Issuer, id.Subject)
	switch {
	case err == nil:
	case model.ErrorCode(err) != model.ENOTFOUND:
		return nil, "", err
	case !id.EmailVerified || id.Email == "":
		return nil, "", model.Errorf(model.EFORBIDDEN, "your provider has not verified your e-mail address, so it cannot sign you in here")
	default:
		if name, err = a.accountFor(ctx, id); err != nil {
			return nil, "", err
		}
		if err := a.Store.LinkIdentity(ctx, id.Issuer, id.Subject, name); err != nil && model.ErrorCode(err) != model.ECONFLICT {
			return nil, "", err
		}
		// A racing first login linked it already: use that link.
		if name, err = a.Store.FindIdentity(ctx, id.Issuer, id.Subject); err != nil {
			return nil, "", err
		}
	}
	acct, err := a.Store.FindAccount(ctx, name)
	if err != nil {
		return nil, "", err
	}
	if acct.Suspended() {
		return nil, "", model.Errorf(model.EFORBIDDEN, "this account is suspended")
	}
	token, err := a.NewSession(ctx, acct.Name)
	return acct, token, err
}

// accountFor is the account a verified e-mail belongs to, made when there
// is none, under a free name derived from the provider's hint.
func (a *Accounts) accountFor(ctx context.Context, id ExternalIdentity) (string, error) {
	if acct, err := a.Store.FindAccountByEmail(ctx, id.Email); err == nil {
		return acct.Name, nil
	} else if model.ErrorCode(err) != model.ENOTFOUND {
		return "", err
	}
	base := accountName(id.Username, id.Email)
	for i := 0; i < 20; i++ {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s-%d", base, i+1)
		}
		acct := &model.Account{Name: name, Email: strings.ToLower(id.Email), PasswordHash: noPassword, Role: model.RoleMember, CreatedAt: a.Now()}
		err := a.Store.CreateAccount(ctx, acct)
		if err == nil {
			return name, nil
		}
		if model.ErrorCode(err) != model.ECONFLICT {
			return "", err
		}
		// The e-mail itself may have been taken meanwhile: then it is that account.
		if acct, err := a.Store.FindAccountByEmail(ctx, id.Email); err == nil {
			return acct.Name, nil
		}
	}
	return "", model.Errorf(model.ECONFLICT, "no free username near %q; sign up with a password instead", base)
}

var nameJunk = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// accountName makes a valid username from a hint or an e-mail's local part.
func accountName(hint, email string) string {
	for _, s := range []string{hint, strings.SplitN(email, "@", 2)[0]} {
		s = strings.Trim(nameJunk.ReplaceAllString(s, "-"), "-_")
		if len(s) > 30 {
			s = s[:30]
		}
		if usernameRe.MatchString(s) {
			return s
		}
	}
	return "member"
}
