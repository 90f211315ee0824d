package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/mail"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlstore"
)

// emailParts builds the e-mail services of cfg over db; the mailer is nil
// when no SMTP server is configured.
func emailParts(ctx context.Context, cfg config.Config, db *sqlstore.DB, papers *core.Papers, log *slog.Logger) (*digest.Subscriptions, *digest.Sender, error) {
	signer, err := loadSigner(ctx, cfg, db)
	if err != nil {
		return nil, nil, err
	}
	var mailer mail.Mailer
	if cfg.SMTPURL != "" {
		m, err := mail.NewSMTP(cfg.SMTPURL, cfg.MailRate)
		if err != nil {
			return nil, nil, err
		}
		if m.DKIM, err = loadDKIM(cfg); err != nil {
			return nil, nil, err
		}
		mailer = m
	}
	site := digest.Site{Name: cfg.SiteName, BaseURL: cfg.SiteURL(), From: cfg.From()}
	subs := &digest.Subscriptions{Store: db, Mailer: mailer, Signer: signer, Site: site, Now: time.Now}
	sender := &digest.Sender{Store: db, Papers: papers, Mailer: mailer, Signer: signer, Site: site, Log: log,
		Retries: 4, RetryDelay: 30 * time.Second}
	return subs, sender, nil
}

// loadDKIM reads the DKIM key of cfg, if one is configured: a key that
// cannot be read stops start-up rather than sending unsigned mail.
func loadDKIM(cfg config.Config) (*mail.DKIM, error) {
	if cfg.DKIMKeyFile == "" {
		return nil, nil
	}
	domain := cfg.DKIMDomain
	if domain == "" {
		var err error
		if domain, err = mail.Domain(cfg.From()); err != nil {
			return nil, fmt.Errorf("--dkim-domain: %w", err)
		}
	}
	d, err := mail.LoadDKIM(cfg.DKIMKeyFile, cfg.DKIMSelector, domain)
	if err != nil {
		return nil, fmt.Errorf("--dkim-key-file: %w", err)
	}
	return d, nil
}

func runDigest(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || (args[0] != "send" && args[0] != "preview") {
		return fmt.Errorf("%w: quire digest send --period daily|weekly [--date YYYY-MM-DD] | quire digest preview EMAIL", errUsage)
	}
	var period, date string
	lease := digest.DefaultLease
	cfg, log, rest, err := setup("digest "+args[0], args[1:], env, func(fs *flag.FlagSet, c *config.Config) {
		c.BindMailFlags(fs)
		fs.StringVar(&period, "period", model.Daily, "daily or weekly")
		fs.StringVar(&date, "date", "", "send as if on this day (default: today, UTC)")
		fs.DurationVar(&lease, "lease", lease, "how long a claimed digest is reserved for this run; a run that dies holds its claims this long")
	})
	if err != nil {
		return err
	}
	if cfg.BaseURL == "" {
		// Links in real mail must point at the public site, never at a
		// listen address.
		return fmt.Errorf("%w: digest %s needs --base-url (env QUIRE_BASE_URL): the public URL its links point to", errUsage, args[0])
	}
	day := model.DateOf(time.Now())
	if date != "" {
		if day, err = model.ParseDate(date); err != nil {
			return fmt.Errorf("%w: --date: %v", errUsage, err)
		}
	}
	db, papers, err := openPapers(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	_, sender, err := emailParts(ctx, cfg, db, papers, log)
	if err != nil {
		return err
	}
	if args[0] == "preview" {
		if len(rest) != 1 {
			return fmt.Errorf("%w: quire digest preview EMAIL", errUsage)
		}
		sub, err := db.FindSubscriptionByEmail(ctx, rest[0])
		if err != nil {
			return err
		}
		msg, err := sender.Preview(ctx, sub)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "From: %s\nTo: %s\nSubject: %s\nMessage-ID: %s\nList-Unsubscribe: %s\nList-Unsubscribe-Post: %s\n\n%s",
			msg.From, msg.To, msg.Subject, msg.MessageID, msg.Headers["List-Unsubscribe"], msg.Headers["List-Unsubscribe-Post"], msg.Text)
		return nil
	}
	if sender.Mailer == nil {
		return fmt.Errorf("%w: no SMTP server: set --smtp-url or QUIRE_SMTP_URL", errUsage)
	}
	defer sender.Mailer.Close()
	sender.Lease = lease
	res, err := sender.Run(ctx, period, day)
	if res != nil {
		fmt.Fprintf(env.Stdout, "%s: %d sent, %d already sent, %d failed\n", res.Period, res.Sent, res.Skipped, res.Failed)
	}
	return err
}
