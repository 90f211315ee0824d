package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// InstanceKey implements store.ClusterStore.
func (db *DB) InstanceKey(ctx context.Context, name, fresh string) (string, error) {
	var v string
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO instance_keys (name, value, created_at) VALUES ($1,$2,$3)
			ON CONFLICT (name) DO NOTHING`, name, fresh, db.Now().UnixMilli()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM instance_keys WHERE name = $1`, name).Scan(&v)
	})
	if err != nil {
		return "", fmt.Errorf("store: instance key %s: %w", name, err)
	}
	return v, nil
}

// AcquireLease implements store.ClusterStore.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	var got bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO job_leases (name, holder, expires_at) VALUES ($1,$2,$3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= $4`,
			name, holder, now.Add(ttl).UnixMilli(), now.UnixMilli())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		got = n == 1
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return got, nil
}

// ReleaseLease implements store.ClusterStore. The row stays, expired, to
// keep done_until.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string, done time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE job_leases SET expires_at = 0,
			done_until = CASE WHEN $3 > done_until THEN $3 ELSE done_until END WHERE name = $1 AND holder = $2`,
			name, holder, done.UnixMilli())
		if err != nil {
			return fmt.Errorf("store: release lease %s: %w", name, err)
		}
		return nil
	})
}

// LeaseDone implements store.ClusterStore.
func (db *DB) LeaseDone(ctx context.Context, name string) (time.Time, error) {
	var done int64
	err := db.R.QueryRowContext(ctx, `SELECT done_until FROM job_leases WHERE name = $1`, name).Scan(&done)
	if isNotFound(err) || (err == nil && done == 0) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return time.UnixMilli(done).UTC(), nil
}

// TakeToken implements store.ClusterStore with GCRA: the bucket is one
// timestamp (tat), moved forward one interval per token taken, and refused
// when it would run more than burst intervals ahead of now. The bucket's
// row is locked while it is read and moved, so racing requests queue on it
// and each sees the tat the one before it left.
func (db *DB) TakeToken(ctx context.Context, key string, burst int, every time.Duration) (time.Duration, error) {
	step := max(every.Milliseconds(), 1)
	var wait time.Duration
	var now int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rate_limits (key, tat) VALUES ($1, 0) ON CONFLICT (key) DO NOTHING`, key); err != nil {
			return err
		}
		var tat int64
		if err := tx.QueryRowContext(ctx, `SELECT tat FROM rate_limits WHERE key = $1`+db.Dialect.ForUpdate(), key).Scan(&tat); err != nil {
			return err
		}
		// The clock is read holding the lock: racers read it in the order
		// they move the bucket, so none is refused for having read it
		// before the one that went first.
		now = db.Now().UnixMilli()
		next := max(tat, now) + step
		if ahead := next - now - int64(burst)*step; ahead > 0 {
			wait = time.Duration(ahead) * time.Millisecond
			return nil
		}
		wait = 0
		_, err := tx.ExecContext(ctx, `UPDATE rate_limits SET tat = $2 WHERE key = $1`, key, next)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: rate limit %s: %w", key, err)
	}
	db.sweepTokens(ctx, now)
	return wait, nil
}

// sweepTokens deletes full buckets (tat passed) about once a minute per
// process, so the table holds only the keys seen in the last minutes.
func (db *DB) sweepTokens(ctx context.Context, now int64) {
	last := db.tokenSweep.Load()
	if now-last < 60_000 || !db.tokenSweep.CompareAndSwap(last, now) {
		return
	}
	_ = db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE tat < $1`, now)
		return err
	})
}
