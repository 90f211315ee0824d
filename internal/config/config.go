// Package config holds quire's settings: defaults, then QUIRE_* environment
// variables, then command-line flags. It is a plain struct passed
// explicitly; nothing reads the environment elsewhere.
package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
)

// Config is the whole configuration.
type Config struct {
	Addr    string // listen address
	DataDir string // holds quire.db (SQLite) and this replica's search snapshot
	// DatabaseURL names a PostgreSQL database (postgres://…); empty: SQLite
	// in DataDir.
	DatabaseURL string
	// SecretKey signs e-mailed links; empty: kept in the database
	// (PostgreSQL, shared by replicas) or DataDir/secret.key (SQLite).
	SecretKey string
	Demo      bool // load the demo corpus into an empty database
	Jobs      bool // run the scheduled jobs (harvests, syncs, digests); false: serve the web only
	Web       bool // serve the site and the API; false: run the jobs only
	// RateLimits is where the rate limits' buckets live: "replica" (memory,
	// each replica counts alone) or "database" (shared by every replica).
	RateLimits string
	BaseURL    string // absolute URL of the site, for feeds; derived from requests when empty
	SiteName   string
	LogLevel   string // debug, info, warn, error
	LogFormat  string // text or json
	CacheMB    int    // response cache size in MiB; 0 disables the cache
	AdminToken string // enables /admin

	EmbedURL   string // OpenAI-compatible embeddings endpoint (base URL); empty: built-in embedder only
	EmbedModel string
	EmbedKey   string // API key for the endpoint, when it needs one

	SMTPURL  string // smtp://user:pass@host:port or smtps://…; empty: no e-mail
	MailFrom string // sender of digests
	// DKIMKeyFile, DKIMSelector and DKIMDomain sign outgoing mail (DKIM);
	// the domain defaults to the sender's.
	DKIMKeyFile, DKIMSelector, DKIMDomain string
	MailRate                              float64 // messages per second at most (0: no limit)

	SubmitWindow  time.Duration // papers can be submitted this long after their first version
	Promote       bool          // an upvote puts the paper on today's Daily list
	SubmitCap     int           // submissions per user per 24 h
	MinAccountAge time.Duration // before an account may submit

	// arXiv
	OAIEndpoint   string
	QueryEndpoint string
	Home          string        // what / shows: auto, daily or new
	HFEndpoint    string        // Hugging Face, for the Daily Papers sync
	HFSync        bool          // quire serve keeps Hugging Face's Daily Papers in sync
	Categories    []string      // arXiv categories or archives the instance follows (cs.LG, hep-th, cs)
	ArxivSets     []string      // sets the server harvests after each announcement (default: those of Categories)
	ArxivFormat   string        // OAI-PMH metadata format
	ArxivContact  string        // e-mail for the User-Agent, as arXiv asks
	ArxivInterval time.Duration // between requests; arXiv's rule is 3 s

	// Running on the open internet
	TrustedProxies []string // CIDRs whose forwarding headers are believed
	MetricsAllow   []string // CIDRs that may read /metrics without a token
	MetricsToken   string

	// Sign-in with an OpenID Connect provider
	OIDCIssuer, OIDCClientID, OIDCClientSecret, OIDCName string
}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./quire-data", SiteName: "quire", LogLevel: "info",
		LogFormat: "text", CacheMB: 64, OAIEndpoint: "https://oaipmh.arxiv.org/oai",
		QueryEndpoint: "https://export.arxiv.org/api/query", ArxivFormat: "arXivRaw", ArxivInterval: 3 * time.Second,
		Home: "auto", RateLimits: "replica", Promote: true, Jobs: true, Web: true, HFEndpoint: "https://huggingface.co", SubmitWindow: 14 * 24 * time.Hour, SubmitCap: 5, MailRate: 20}
}

// DBPath is the SQLite database file.
func (c Config) DBPath() string { return filepath.Join(c.DataDir, "quire.db") }

// listValue is a comma-separated list flag.
type listValue struct{ list *[]string }

func (l listValue) String() string {
	if l.list == nil {
		return ""
	}
	return strings.Join(*l.list, ",")
}

func (l listValue) Set(v string) error {
	*l.list = splitList(v)
	return nil
}

// BindFlags registers the flags shared by commands that open the data
// directory. Each flag's environment variable (EnvName) is applied by
// ApplyEnv before the command line is parsed.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory: the SQLite database, or with --database-url this replica's search snapshot (env QUIRE_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL database, postgres://user:pass@host:5432/db?sslmode=require; default: SQLite in --data (env QUIRE_DATABASE_URL or QUIRE_DATABASE_URL_FILE)")
	fs.StringVar(&c.SecretKey, "secret-key", c.SecretKey, "key that signs e-mailed links, at least 32 characters, the same on every replica; default: one made and kept in the database (env QUIRE_SECRET_KEY or QUIRE_SECRET_KEY_FILE)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (env QUIRE_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (env QUIRE_LOG_FORMAT)")
}

// BindMailFlags registers the e-mail flags (serve, digest).
func (c *Config) BindMailFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.SMTPURL, "smtp-url", c.SMTPURL, "SMTP server, smtp://user:pass@host:port (STARTTLS when offered) or smtps:// (env QUIRE_SMTP_URL or QUIRE_SMTP_URL_FILE)")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "sender address of digests, e.g. \"quire <digest@example.org>\" (env QUIRE_MAIL_FROM)")
	fs.StringVar(&c.DKIMKeyFile, "dkim-key-file", c.DKIMKeyFile, "PEM private key (RSA or Ed25519) that DKIM-signs every message (env QUIRE_DKIM_KEY_FILE)")
	fs.StringVar(&c.DKIMSelector, "dkim-selector", c.DKIMSelector, "DKIM selector: the public key is the TXT record SELECTOR._domainkey.DOMAIN (env QUIRE_DKIM_SELECTOR)")
	fs.StringVar(&c.DKIMDomain, "dkim-domain", c.DKIMDomain, "DKIM signing domain; default: the domain of --mail-from (env QUIRE_DKIM_DOMAIN)")
	fs.Float64Var(&c.MailRate, "mail-rate", c.MailRate, "messages per second at most, 0 for no limit (env QUIRE_MAIL_RATE)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public URL of the site, used in feeds and e-mail links (env QUIRE_BASE_URL)")
	fs.StringVar(&c.SiteName, "site-name", c.SiteName, "name shown on pages, feeds and e-mails (env QUIRE_SITE_NAME)")
}

// BindArxivFlags registers the flags of commands that talk to arXiv.
func (c *Config) BindArxivFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.OAIEndpoint, "oai-endpoint", c.OAIEndpoint, "arXiv OAI-PMH endpoint (env QUIRE_OAI_ENDPOINT)")
	fs.StringVar(&c.QueryEndpoint, "query-endpoint", c.QueryEndpoint, "arXiv query API endpoint (env QUIRE_QUERY_ENDPOINT)")
	fs.StringVar(&c.ArxivFormat, "format", c.ArxivFormat, "OAI-PMH metadata format: arXivRaw, arXiv or oai_dc (env QUIRE_ARXIV_FORMAT)")
	c.bindContact(fs)
	fs.DurationVar(&c.ArxivInterval, "interval", c.ArxivInterval, "time between requests; arXiv asks for 3s (env QUIRE_ARXIV_INTERVAL)")
}

// BindHFFlags registers the Hugging Face sync's flags (quire ingest hf).
func (c *Config) BindHFFlags(fs *flag.FlagSet) {
	c.bindHFEndpoint(fs)
	c.bindContact(fs)
}

func (c *Config) bindHFEndpoint(fs *flag.FlagSet) {
	fs.StringVar(&c.HFEndpoint, "hf-endpoint", c.HFEndpoint, "Hugging Face's base URL for the Daily Papers API (env QUIRE_HF_ENDPOINT)")
}

func (c *Config) bindContact(fs *flag.FlagSet) {
	fs.StringVar(&c.ArxivContact, "contact", c.ArxivContact, "e-mail put in the User-Agent sent to arXiv and Hugging Face (env QUIRE_ARXIV_CONTACT)")
}

// BindServeFlags registers the flags of `quire serve`.
func (c *Config) BindServeFlags(fs *flag.FlagSet) {
	c.BindArxivFlags(fs)
	c.bindHFEndpoint(fs)
	fs.BoolVar(&c.HFSync, "hf-sync", c.HFSync, "keep Hugging Face's Daily Papers in sync: today every 30 minutes on weekdays, the last 14 days each night (env QUIRE_HF_SYNC)")
	fs.StringVar(&c.Home, "home", c.Home, "what the front page shows: auto (the Daily list, or arXiv's latest listing when it is newer), daily or new (env QUIRE_HOME)")
	fs.Var(listValue{&c.Categories}, "categories", "comma-separated arXiv categories or whole archives the instance follows, e.g. cs.LG,cs.CV,hep-th; their OAI-PMH sets are harvested after each announcement and their new papers listed on /papers/new (env QUIRE_CATEGORIES)")
	fs.Var(listValue{&c.ArxivSets}, "arxiv-sets", "comma-separated OAI-PMH sets to harvest after each arXiv announcement, e.g. cs:cs:LG,cs:cs:CL (env QUIRE_ARXIV_SETS)")
	fs.DurationVar(&c.SubmitWindow, "submit-window", c.SubmitWindow, "papers can be submitted within this time of their first arXiv version (env QUIRE_SUBMIT_WINDOW)")
	fs.BoolVar(&c.Promote, "promote-on-upvote", c.Promote, "a member's upvote on a paper not on the Daily list submits it for today, credited to them (env QUIRE_PROMOTE_ON_UPVOTE)")
	fs.IntVar(&c.SubmitCap, "submit-cap", c.SubmitCap, "submissions per user per 24 hours, 0 for no cap (env QUIRE_SUBMIT_CAP)")
	fs.DurationVar(&c.MinAccountAge, "min-account-age", c.MinAccountAge, "how old an account must be to submit (env QUIRE_MIN_ACCOUNT_AGE)")
	fs.StringVar(&c.AdminToken, "admin-token", c.AdminToken, "break-glass password of /admin, at least 32 characters; empty disables it (env QUIRE_ADMIN_TOKEN or QUIRE_ADMIN_TOKEN_FILE)")
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (env QUIRE_ADDR)")
	fs.BoolVar(&c.Web, "web", c.Web, "serve the site and the API; false: this replica only runs the scheduled jobs (env QUIRE_WEB)")
	fs.StringVar(&c.RateLimits, "rate-limits", c.RateLimits, "where rate limits count: replica (in memory; behind a load balancer of N replicas a client gets up to N times the limit) or database (one count shared by every replica, one statement per limited request) (env QUIRE_RATE_LIMITS)")
	fs.BoolVar(&c.Jobs, "jobs", c.Jobs, "run the scheduled jobs (harvests, the Hugging Face sync, digests); with several replicas each job runs once across them; false: this replica serves the web only (env QUIRE_JOBS)")
	fs.StringVar(&c.EmbedURL, "embed-url", c.EmbedURL, "OpenAI-compatible embeddings endpoint for semantic search, e.g. http://127.0.0.1:11434/v1 (Ollama); the built-in embedder is the fallback (env QUIRE_EMBED_URL)")
	fs.StringVar(&c.EmbedModel, "embed-model", c.EmbedModel, "model name sent to --embed-url (env QUIRE_EMBED_MODEL)")
	fs.StringVar(&c.EmbedKey, "embed-key", c.EmbedKey, "API key for --embed-url, sent as a Bearer token (env QUIRE_EMBED_KEY or QUIRE_EMBED_KEY_FILE)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the bundled demo corpus when the database is empty (env QUIRE_DEMO)")
	c.BindMailFlags(fs)
	fs.IntVar(&c.CacheMB, "cache-mb", c.CacheMB, "response cache size in MiB, 0 to disable (env QUIRE_CACHE_MB)")
	fs.Var(listValue{&c.TrustedProxies}, "trusted-proxies", "comma-separated networks of reverse proxies whose X-Forwarded-For, X-Forwarded-Proto and Forwarded headers are believed, e.g. 10.0.0.0/8,127.0.0.1/32 (env QUIRE_TRUSTED_PROXIES)")
	fs.Var(listValue{&c.MetricsAllow}, "metrics-allow", "comma-separated networks that may read /metrics without a token (default: loopback only) (env QUIRE_METRICS_ALLOW)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", c.OIDCIssuer, "OpenID Connect issuer URL for \"Sign in with …\", e.g. https://login.example.edu (env QUIRE_OIDC_ISSUER)")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", c.OIDCClientID, "client id registered at the provider (env QUIRE_OIDC_CLIENT_ID)")
	fs.StringVar(&c.OIDCClientSecret, "oidc-client-secret", c.OIDCClientSecret, "client secret (env QUIRE_OIDC_CLIENT_SECRET or QUIRE_OIDC_CLIENT_SECRET_FILE)")
	fs.StringVar(&c.OIDCName, "oidc-name", c.OIDCName, "what the sign-in button calls the provider (default: your institution) (env QUIRE_OIDC_NAME)")
	fs.StringVar(&c.MetricsToken, "metrics-token", c.MetricsToken, "Bearer token that opens /metrics from anywhere (env QUIRE_METRICS_TOKEN or QUIRE_METRICS_TOKEN_FILE)")
}

// Validate checks values and combinations.
func (c Config) Validate() error {
	if c.DataDir == "" {
		return fmt.Errorf("config: --data must not be empty")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("config: --database-url: want a postgres:// URL")
	}
	if !c.Web && !c.Jobs {
		return fmt.Errorf("config: --web=false and --jobs=false leave a server with nothing to do")
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		return fmt.Errorf("config: --secret-key has %d characters, want 32 or more", len(c.SecretKey))
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			return fmt.Errorf("config: --addr %q: %v", c.Addr, err)
		}
	}
	if _, err := c.Level(); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("config: --log-format %q: want text or json", c.LogFormat)
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("config: --base-url %q: want an http(s) URL", c.BaseURL)
	}
	if c.EmbedURL != "" && ((!strings.HasPrefix(c.EmbedURL, "http://") && !strings.HasPrefix(c.EmbedURL, "https://")) || c.EmbedModel == "") {
		return fmt.Errorf("config: --embed-url %q: want an http(s) URL, with --embed-model", c.EmbedURL)
	}
	switch c.ArxivFormat {
	case "arXivRaw", "arXiv", "oai_dc":
	default:
		return fmt.Errorf("config: --format %q: want arXivRaw, arXiv or oai_dc", c.ArxivFormat)
	}
	if c.ArxivInterval < 0 {
		return fmt.Errorf("config: --interval must be >= 0")
	}
	if u, err := url.Parse(c.HFEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("config: --hf-endpoint %q: want an http(s) URL such as https://huggingface.co", c.HFEndpoint)
	}
	if c.RateLimits != "replica" && c.RateLimits != "database" {
		return fmt.Errorf("config: --rate-limits %q: want replica or database", c.RateLimits)
	}
	if c.Home != "auto" && c.Home != "daily" && c.Home != "new" {
		return fmt.Errorf("config: --home %q: want auto, daily or new", c.Home)
	}
	for _, cat := range c.Categories {
		if _, err := core.ParseCategories(cat); err != nil {
			return fmt.Errorf("config: --categories: %v", model.ErrorMessage(err))
		}
	}
	if c.SMTPURL != "" && c.BaseURL == "" {
		return fmt.Errorf("config: --smtp-url needs --base-url (env QUIRE_BASE_URL): the public URL that links in e-mail point to")
	}
	if (c.DKIMKeyFile == "") != (c.DKIMSelector == "") {
		return fmt.Errorf("config: --dkim-key-file and --dkim-selector go together")
	}
	if c.OIDCIssuer != "" && (c.OIDCClientID == "" || c.BaseURL == "") {
		return fmt.Errorf("config: --oidc-issuer needs --oidc-client-id and --base-url (the provider redirects to BASE/login/oidc/callback)")
	}
	if c.CacheMB < 0 {
		return fmt.Errorf("config: --cache-mb must be >= 0")
	}
	if c.AdminToken != "" && len(c.AdminToken) < 32 {
		return fmt.Errorf("config: --admin-token must be at least 32 characters (it is a password anyone can try)")
	}
	if _, err := c.ProxyNets(); err != nil {
		return err
	}
	if _, err := c.MetricsNets(); err != nil {
		return err
	}
	return nil
}

// Level parses LogLevel.
func (c Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("config: --log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// Logger builds the process logger.
func (c Config) Logger(w io.Writer) *slog.Logger {
	lvl, _ := c.Level()
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// UserAgent is what quire sends to arXiv: the product, its version and how
// to reach the operator, as arXiv's terms ask.
func (c Config) UserAgent(version string) string {
	ua := "quire/" + version + " (self-hosted Daily Papers"
	if c.BaseURL != "" {
		ua += "; +" + strings.TrimSuffix(c.BaseURL, "/")
	}
	if c.ArxivContact != "" {
		ua += "; mailto:" + c.ArxivContact
	}
	return ua + ")"
}

// SubmitRules are the daily-list rules in the form the core uses.
func (c Config) SubmitRules() core.SubmitRules {
	return core.SubmitRules{Window: c.SubmitWindow, DailyCap: c.SubmitCap, MinAccountAge: c.MinAccountAge}
}

// SiteURL is the public base URL: --base-url, else the listen address.
func (c Config) SiteURL() string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}

// From is the digest sender: --mail-from, else digest@ the site's host.
func (c Config) From() string {
	if c.MailFrom != "" {
		return c.MailFrom
	}
	host := strings.TrimPrefix(strings.TrimPrefix(c.SiteURL(), "https://"), "http://")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" || !strings.Contains(host, ".") {
		host = "localhost.localdomain"
	}
	return c.SiteName + " <digest@" + host + ">"
}

// ProxyNets parses --trusted-proxies.
func (c Config) ProxyNets() ([]netip.Prefix, error) {
	return parseNets("--trusted-proxies", c.TrustedProxies)
}

// MetricsNets parses --metrics-allow; loopback when empty.
func (c Config) MetricsNets() ([]netip.Prefix, error) {
	if len(c.MetricsAllow) == 0 {
		return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}, nil
	}
	return parseNets("--metrics-allow", c.MetricsAllow)
}

func parseNets(flagName string, list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("config: %s %q: want a network such as 10.0.0.0/8 or an address", flagName, s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// HarvestSets are the OAI-PMH sets the server harvests: --arxiv-sets when
// given, else those of --categories (each set once).
func (c Config) HarvestSets(setOf func(string) string) []string {
	if len(c.ArxivSets) > 0 {
		return c.ArxivSets
	}
	var out []string
	seen := map[string]bool{}
	for _, cat := range c.Categories {
		if s := setOf(cat); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
