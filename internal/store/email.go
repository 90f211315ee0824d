package store

import (
	"context"
	"time"

	"github.com/quire/quire/internal/model"
)

// DigestSend states.
const (
	SendSending = "sending" // written before the SMTP transaction
	SendSent    = "sent"
	SendFailed  = "failed" // gave up for this period
)

// DigestSend is one subscriber's digest of one period.
type DigestSend struct {
	SubscriptionID int64
	Period         string
	Status         string
	MessageID      string
	Attempts       int
	LeaseUntil     time.Time // while "sending", no other sender may take it over
}

// EmailStore keeps subscriptions, saved searches and the digest send log.
type EmailStore interface {
	// CreateSubscription adds a pending subscription, or returns the
	// existing one for that address. Re-subscribing sets it pending again
	// with the new frequency and account, unless it is active: then they
	// wait in PendingFrequency and PendingUser until the address confirms.
	CreateSubscription(ctx context.Context, s *model.Subscription) (*model.Subscription, error)
	FindSubscription(ctx context.Context, id int64) (*model.Subscription, error)
	FindSubscriptionByEmail(ctx context.Context, email string) (*model.Subscription, error)
	// SetSubscriptionStatus changes status (confirmation, unsubscribe);
	// activating applies a pending change.
	SetSubscriptionStatus(ctx context.Context, id int64, status string) error
	SetSubscriptionFrequency(ctx context.Context, id int64, frequency string) error
	// ActiveSubscriptions returns active subscriptions of a frequency with
	// id > afterID, in id order, for batched sending.
	ActiveSubscriptions(ctx context.Context, frequency string, afterID int64, limit int) ([]*model.Subscription, error)
	// RecordFailure counts a failed delivery; after maxFailures permanent
	// failures in a row the subscription becomes bouncing.
	RecordFailure(ctx context.Context, id int64, msg string, permanent bool, maxFailures int) error
	// BouncingSubscriptions lists addresses that stopped working, for admins.
	BouncingSubscriptions(ctx context.Context) ([]*model.Subscription, error)

	// CreateSavedSearch saves query for user (once; saving it again returns
	// the same id and keeps its feed secret).
	CreateSavedSearch(ctx context.Context, user, query, feedSecret string) (int64, error)
	FindSavedSearches(ctx context.Context, user string) ([]*model.SavedSearch, error)
	// FindSavedSearchByFeed finds the saved search of a feed URL's secret.
	FindSavedSearchByFeed(ctx context.Context, feedSecret string) (*model.SavedSearch, error)
	DeleteSavedSearch(ctx context.Context, user string, id int64) error

	// FindDigestSend returns the log row of (subscription, period), or ENOTFOUND.
	FindDigestSend(ctx context.Context, subscriptionID int64, period string) (*DigestSend, error)
	// ClaimDigestSend takes (subscription, period) for one sender: it
	// returns true, with d.Attempts counted, when there was no row, the row
	// had failed, or its sender's lease ran out; false when it was sent or
	// another sender holds it.
	ClaimDigestSend(ctx context.Context, d *DigestSend) (bool, error)
	// SaveDigestSend writes a log row (the claim's holder updating it).
	SaveDigestSend(ctx context.Context, d *DigestSend) error
}
