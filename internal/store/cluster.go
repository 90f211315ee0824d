package store

import (
	"context"
	"time"
)

// ClusterStore is what the replicas of one instance share beyond the data.
type ClusterStore interface {
	// InstanceKey returns the value stored under name, storing fresh first
	// when there is none: every replica gets the same value.
	InstanceKey(ctx context.Context, name, fresh string) (string, error)
	// AcquireLease takes, or renews, holder's lease on name for ttl. It
	// reports false while another holder's lease has not expired: one
	// conditional statement, so two replicas never both hold it.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease ends holder's lease on name, if it holds it; a non-zero
	// done records that the run due then succeeded.
	ReleaseLease(ctx context.Context, name, holder string, done time.Time) error
	// LeaseDone returns the due time of the last run of name that
	// succeeded, on any replica (zero when none has).
	LeaseDone(ctx context.Context, name string) (time.Time, error)
	// TakeToken takes one token from the bucket key, which holds at most
	// burst tokens and gains one every interval. When it is empty nothing is
	// taken and wait says how long until a token is back. One conditional
	// statement, so replicas sharing the database share the bucket.
	TakeToken(ctx context.Context, key string, burst int, every time.Duration) (wait time.Duration, err error)
}
