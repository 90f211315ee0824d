package digest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"

	qmail "github.com/quire/quire/internal/mail"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// ConfirmTTL is how long a confirmation link works.
const ConfirmTTL = 7 * 24 * time.Hour

// Subscriptions is the double opt-in flow.
type Subscriptions struct {
	Store  store.Store
	Mailer qmail.Mailer // nil when the instance has no SMTP server
	Signer *Signer
	Site   Site
	Now    func() time.Time
}

// Subscribe records a pending subscription and mails the confirmation
// link; nothing else is sent before the link is followed.
func (s *Subscriptions) Subscribe(ctx context.Context, email, frequency, user string) (*model.Subscription, error) {
	addr, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || addr.Address != strings.TrimSpace(email) || !strings.Contains(addr.Address[strings.LastIndexByte(addr.Address, '@')+1:], ".") {
		return nil, model.Errorf(model.EINVALID, "%q is not an e-mail address", email)
	}
	if frequency != model.Daily && frequency != model.Weekly {
		return nil, model.Errorf(model.EINVALID, "choose daily or weekly")
	}
	if s.Mailer == nil {
		return nil, model.Errorf(model.ECONFLICT, "this instance does not send e-mail (no SMTP server is configured)")
	}
	sub, err := s.Store.CreateSubscription(ctx, &model.Subscription{Email: addr.Address, Frequency: frequency, User: user})
	if err != nil {
		return nil, err
	}
	if sub.Status == model.SubActive && sub.PendingFrequency == sub.Frequency && sub.PendingUser == sub.User {
		return sub, nil // already subscribed just so: nothing to confirm
	}
	token := s.Signer.Sign(PurposeConfirm, sub.ID, s.Now().Add(ConfirmTTL))
	if err := s.Mailer.Send(ctx, ConfirmMessage(s.Site, sub, token), nil); err != nil {
		if qmail.IsPermanent(err) {
			return nil, model.Errorf(model.EINVALID, "the mail server refused %s", addr.Address)
		}
		return nil, err
	}
	return sub, nil
}

// MaxSavedSearch is the longest saved query.
const MaxSavedSearch = 250

// SaveSearch keeps query for user, with a secret feed URL of its own.
func (s *Subscriptions) SaveSearch(ctx context.Context, user, query string) (int64, error) {
	query = strings.TrimSpace(query)
	if query == "" || len(query) > MaxSavedSearch {
		return 0, model.Errorf(model.EINVALID, "a saved search has 1 to %d characters", MaxSavedSearch)
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return 0, err
	}
	return s.Store.CreateSavedSearch(ctx, user, query, hex.EncodeToString(b))
}

// Confirm activates the subscription of a confirmation token.
func (s *Subscriptions) Confirm(ctx context.Context, token string) (*model.Subscription, error) {
	id, err := s.Signer.Verify(PurposeConfirm, token, s.Now())
	if err != nil {
		return nil, err
	}
	sub, err := s.Store.FindSubscription(ctx, id)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, model.Errorf(model.ENOTFOUND, "this subscription no longer exists; subscribe again")
	}
	if err != nil {
		return nil, err // the database's fault, not the link's: a 5xx, logged
	}
	if err := s.Store.SetSubscriptionStatus(ctx, id, model.SubActive); err != nil {
		return nil, err
	}
	sub.Status = model.SubActive
	return sub, nil
}

// Unsubscribe ends the subscription of an unsubscribe token. A token whose
// subscription is gone is not an error: the address gets nothing either way.
func (s *Subscriptions) Unsubscribe(ctx context.Context, token string) error {
	id, err := s.Signer.Verify(PurposeUnsubscribe, token, s.Now())
	if err != nil {
		return err
	}
	err = s.Store.SetSubscriptionStatus(ctx, id, model.SubUnsubscribed)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil
	}
	return err
}
