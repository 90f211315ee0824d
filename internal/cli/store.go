package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/store/postgres"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/sqlstore"
)

// openStore opens the instance's database, PostgreSQL when --database-url
// names one and SQLite in --data otherwise, and applies pending migrations
// (on PostgreSQL under an advisory lock, so replicas that start together
// migrate once).
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*sqlstore.DB, error) {
	var (
		db      *sqlstore.DB
		where   string
		err     error
		migrate func(context.Context, *sqlstore.DB) ([]string, error)
	)
	if cfg.DatabaseURL != "" {
		where, migrate = postgres.Redact(cfg.DatabaseURL), postgres.Migrate
		db, err = postgres.Open(ctx, cfg.DatabaseURL)
	} else {
		where, migrate = cfg.DBPath(), sqlite.Migrate
		db, err = sqlite.Open(cfg.DBPath())
	}
	if err != nil {
		return nil, err
	}
	applied, err := migrate(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", where, err)
	}
	for _, name := range applied {
		log.Info("migration applied", slog.String("name", name))
	}
	// Papers stored before listing days existed get theirs (once; a no-op after).
	if n, err := db.BackfillListingDays(ctx, arxiv.ListingDay); err != nil {
		db.Close()
		return nil, err
	} else if n > 0 {
		log.Info("listing days filled in", slog.Int("papers", n))
	}
	return db, nil
}

// signingKey is the name of the instance key that signs e-mailed links.
const signingKey = "link-signing"

// loadSigner finds the key that signs e-mailed links: --secret-key when
// given; on SQLite the data directory's secret.key (which quire backup
// keeps); on PostgreSQL a key made once and kept in the database, so that
// every replica signs and checks links alike.
func loadSigner(ctx context.Context, cfg config.Config, db *sqlstore.DB) (*digest.Signer, error) {
	switch {
	case cfg.SecretKey != "":
		return digest.NewSigner([]byte(cfg.SecretKey)), nil
	case cfg.DatabaseURL == "":
		return digest.LoadSigner(cfg.DataDir)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	v, err := db.InstanceKey(ctx, signingKey, base64.StdEncoding.EncodeToString(fresh))
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("the database's %s key is damaged (%d bytes, %v)", signingKey, len(key), err)
	}
	return digest.NewSigner(key), nil
}

// replicaName names this process in job leases: host, pid and a random
// suffix, unique across replicas and restarts.
func replicaName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}
