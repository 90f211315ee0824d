package model

import "time"

// Subscription statuses.
const (
	SubPending      = "pending"      // waiting for the confirmation click
	SubActive       = "active"       // receives digests
	SubUnsubscribed = "unsubscribed" // asked to stop
	SubBouncing     = "bouncing"     // the address failed too often; admins see it
)

// Digest frequencies.
const (
	Daily  = "daily"
	Weekly = "weekly"
)

// Subscription is an e-mail address that asked for digests.
type Subscription struct {
	ID          int64
	Email       string
	Frequency   string
	Status      string
	User        string // the account it belongs to, if any
	CreatedAt   time.Time
	ConfirmedAt time.Time
	Failures    int
	LastError   string
	// A change requested for an active subscription, applied when the
	// address confirms it (nobody else can change another's digest).
	PendingFrequency string
	PendingUser      string
}

// SavedSearch is a query a user keeps: it has a feed and a digest section.
type SavedSearch struct {
	ID        int64
	User      string
	Query     string
	CreatedAt time.Time
	// FeedSecret names its private feed: /feed/saved/{FeedSecret}.rss.
	FeedSecret string
}
