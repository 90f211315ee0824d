package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

const subColumns = `id, email, frequency, status, COALESCE(user_name, ''), created_at, confirmed_at, failures, last_error,
	pending_frequency, pending_user`

func scanSub(scan func(...any) error) (*model.Subscription, error) {
	var s model.Subscription
	var created, confirmed sql.NullInt64
	if err := scan(&s.ID, &s.Email, &s.Frequency, &s.Status, &s.User, &created, &confirmed, &s.Failures, &s.LastError,
		&s.PendingFrequency, &s.PendingUser); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ConfirmedAt = fromMS(created), fromMS(confirmed)
	return &s, nil
}

func (db *DB) findSub(ctx context.Context, q queryer, where string, arg any) (*model.Subscription, error) {
	s, err := scanSub(q.QueryRowContext(ctx, `SELECT `+subColumns+` FROM subscriptions WHERE `+where, arg).Scan)
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "no such subscription")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find subscription: %w", err)
	}
	return s, nil
}

// CreateSubscription implements store.EmailStore. A new address is pending;
// an address that is not active becomes pending again with the new
// frequency and account; an active one keeps both and only records the
// request, which Confirm applies.
func (db *DB) CreateSubscription(ctx context.Context, s *model.Subscription) (*model.Subscription, error) {
	var out *model.Subscription
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		email := strings.ToLower(strings.TrimSpace(s.Email))
		var user any
		if s.User != "" {
			user = s.User
		}
		now := db.Now().UnixMilli()
		_, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (email, frequency, status, user_name, created_at)
			VALUES ($1,$2,'pending',$3,$4)
			ON CONFLICT (email) DO UPDATE SET
				frequency = CASE WHEN subscriptions.status = 'active' THEN subscriptions.frequency ELSE excluded.frequency END,
				user_name = CASE WHEN subscriptions.status = 'active' THEN subscriptions.user_name ELSE excluded.user_name END,
				pending_frequency = CASE WHEN subscriptions.status = 'active' THEN excluded.frequency ELSE '' END,
				pending_user = CASE WHEN subscriptions.status = 'active' THEN COALESCE(excluded.user_name, subscriptions.user_name, '') ELSE '' END,
				status = CASE WHEN subscriptions.status = 'active' THEN 'active' ELSE 'pending' END`,
			email, s.Frequency, user, now)
		if err != nil {
			return fmt.Errorf("store: create subscription: %w", err)
		}
		out, err = db.findSub(ctx, tx, "email = $1", email)
		return err
	})
	return out, err
}

// FindSubscription implements store.EmailStore.
func (db *DB) FindSubscription(ctx context.Context, id int64) (*model.Subscription, error) {
	return db.findSub(ctx, db.W, "id = $1", id)
}

// FindSubscriptionByEmail implements store.EmailStore.
func (db *DB) FindSubscriptionByEmail(ctx context.Context, email string) (*model.Subscription, error) {
	return db.findSub(ctx, db.W, "email = $1", strings.ToLower(strings.TrimSpace(email)))
}

// SetSubscriptionStatus implements store.EmailStore.
func (db *DB) SetSubscriptionStatus(ctx context.Context, id int64, status string) error {
	now := db.Now().UnixMilli()
	switch status {
	case model.SubActive:
		// Confirming applies a change that waited for it (see CreateSubscription).
		return db.exec(ctx, "subscription", `UPDATE subscriptions SET status = $1, confirmed_at = COALESCE(confirmed_at, $2),
			failures = 0,
			frequency = CASE WHEN pending_frequency <> '' THEN pending_frequency ELSE frequency END,
			user_name = CASE WHEN pending_frequency <> '' THEN NULLIF(pending_user, '') ELSE user_name END,
			pending_frequency = '', pending_user = '' WHERE id = $3`, status, now, id)
	case model.SubUnsubscribed:
		return db.exec(ctx, "subscription", `UPDATE subscriptions SET status = $1, unsubscribed_at = $2 WHERE id = $3`, status, now, id)
	}
	return db.exec(ctx, "subscription", `UPDATE subscriptions SET status = $1 WHERE id = $2`, status, id)
}

// SetSubscriptionFrequency implements store.EmailStore.
func (db *DB) SetSubscriptionFrequency(ctx context.Context, id int64, frequency string) error {
	return db.exec(ctx, "subscription", `UPDATE subscriptions SET frequency = $1 WHERE id = $2`, frequency, id)
}

// ActiveSubscriptions implements store.EmailStore.
func (db *DB) ActiveSubscriptions(ctx context.Context, frequency string, afterID int64, limit int) ([]*model.Subscription, error) {
	return db.subs(ctx, `WHERE status = 'active' AND frequency = $1 AND id > $2 ORDER BY id LIMIT $3`, frequency, afterID, limit)
}

// BouncingSubscriptions implements store.EmailStore.
func (db *DB) BouncingSubscriptions(ctx context.Context) ([]*model.Subscription, error) {
	return db.subs(ctx, `WHERE status = 'bouncing' ORDER BY id`)
}

func (db *DB) subs(ctx context.Context, where string, args ...any) ([]*model.Subscription, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+subColumns+` FROM subscriptions `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	defer rows.Close()
	var out []*model.Subscription
	for rows.Next() {
		s, err := scanSub(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// RecordFailure implements store.EmailStore.
func (db *DB) RecordFailure(ctx context.Context, id int64, msg string, permanent bool, maxFailures int) error {
	if !permanent {
		return db.exec(ctx, "subscription", `UPDATE subscriptions SET last_error = $1 WHERE id = $2`, msg, id)
	}
	return db.exec(ctx, "subscription", `UPDATE subscriptions SET failures = failures + 1, last_error = $1,
		status = CASE WHEN failures + 1 >= $2 THEN 'bouncing' ELSE status END WHERE id = $3`, msg, maxFailures, id)
}

// CreateSavedSearch implements store.EmailStore.
func (db *DB) CreateSavedSearch(ctx context.Context, user, query, feedSecret string) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO saved_searches (user_name, query, created_at, feed_secret) VALUES ($1,$2,$3,$4)
			ON CONFLICT (user_name, query) DO UPDATE SET query = excluded.query RETURNING id`,
			user, query, db.Now().UnixMilli(), feedSecret).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: save search: %w", err)
		}
		return nil
	})
	return id, err
}

// FindSavedSearches implements store.EmailStore.
func (db *DB) FindSavedSearches(ctx context.Context, user string) ([]*model.SavedSearch, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, user_name, query, created_at, feed_secret FROM saved_searches WHERE user_name = $1 ORDER BY id`, user)
	if err != nil {
		return nil, fmt.Errorf("store: saved searches: %w", err)
	}
	defer rows.Close()
	var out []*model.SavedSearch
	for rows.Next() {
		var s model.SavedSearch
		var created sql.NullInt64
		if err := rows.Scan(&s.ID, &s.User, &s.Query, &created, &s.FeedSecret); err != nil {
			return nil, err
		}
		s.CreatedAt = fromMS(created)
		out = append(out, &s)
	}
	return out, rows.Err()
}

// FindSavedSearchByFeed implements store.EmailStore.
func (db *DB) FindSavedSearchByFeed(ctx context.Context, feedSecret string) (*model.SavedSearch, error) {
	var s model.SavedSearch
	var created sql.NullInt64
	err := db.R.QueryRowContext(ctx, `SELECT id, user_name, query, created_at, feed_secret FROM saved_searches
		WHERE feed_secret = $1 AND feed_secret <> ''`, feedSecret).Scan(&s.ID, &s.User, &s.Query, &created, &s.FeedSecret)
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "no such feed")
	}
	if err != nil {
		return nil, fmt.Errorf("store: saved search: %w", err)
	}
	s.CreatedAt = fromMS(created)
	return &s, nil
}

// DeleteSavedSearch implements store.EmailStore.
func (db *DB) DeleteSavedSearch(ctx context.Context, user string, id int64) error {
	return db.exec(ctx, fmt.Sprintf("saved search %d", id), `DELETE FROM saved_searches WHERE id = $1 AND user_name = $2`, id, user)
}

// FindDigestSend implements store.EmailStore.
func (db *DB) FindDigestSend(ctx context.Context, subscriptionID int64, period string) (*store.DigestSend, error) {
	d := store.DigestSend{SubscriptionID: subscriptionID, Period: period}
	var lease int64
	err := db.W.QueryRowContext(ctx, `SELECT status, message_id, attempts, lease_until FROM digest_sends WHERE subscription_id = $1 AND period = $2`,
		subscriptionID, period).Scan(&d.Status, &d.MessageID, &d.Attempts, &lease)
	d.LeaseUntil = time.UnixMilli(lease)
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "no send")
	}
	if err != nil {
		return nil, fmt.Errorf("store: digest send: %w", err)
	}
	return &d, nil
}

// ClaimDigestSend implements store.EmailStore: one conditional upsert, so
// of two senders racing for one digest exactly one gets it.
func (db *DB) ClaimDigestSend(ctx context.Context, d *store.DigestSend) (bool, error) {
	now := db.Now().UnixMilli()
	claimed := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO digest_sends (subscription_id, period, status, message_id, attempts, updated_at, lease_until)
			VALUES ($1,$2,'sending',$3,1,$4,$5)
			ON CONFLICT (subscription_id, period) DO UPDATE SET status = 'sending', message_id = excluded.message_id,
				attempts = digest_sends.attempts + 1, updated_at = excluded.updated_at, lease_until = excluded.lease_until
			WHERE digest_sends.status = 'failed' OR (digest_sends.status = 'sending' AND digest_sends.lease_until < $4)
			RETURNING attempts`, d.SubscriptionID, d.Period, d.MessageID, now, d.LeaseUntil.UnixMilli()).Scan(&d.Attempts)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: claim digest send: %w", err)
		}
		claimed, d.Status = true, store.SendSending
		return nil
	})
	return claimed, err
}

// SaveDigestSend implements store.EmailStore.
func (db *DB) SaveDigestSend(ctx context.Context, d *store.DigestSend) error {
	return db.exec(ctx, "digest send", `INSERT INTO digest_sends (subscription_id, period, status, message_id, attempts, updated_at, lease_until)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (subscription_id, period) DO UPDATE SET status = excluded.status,
		message_id = excluded.message_id, attempts = excluded.attempts, updated_at = excluded.updated_at,
		lease_until = excluded.lease_until`,
		d.SubscriptionID, d.Period, d.Status, d.MessageID, d.Attempts, db.Now().UnixMilli(), d.LeaseUntil.UnixMilli())
}
