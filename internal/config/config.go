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
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/quire/quire/internal/core"
)

// Config is the whole configuration.
type Config struct {
	Addr       string // listen address
	DataDir    string // holds quire.db
	Demo       bool   // load the demo corpus into an empty database
	BaseURL    string // absolute URL of the site, for feeds; derived from requests when empty
	SiteName   string
	LogLevel   string // debug, info, warn, error
	LogFormat  string // text or json
	CacheSize  int    // response cache entries; 0 disables the cache
	AdminToken string // enables /admin

	EmbedURL   string // OpenAI-compatible embeddings endpoint (base URL); empty: built-in embedder only
	EmbedModel string
	EmbedKey   string // API key for the endpoint, when it needs one

	SMTPURL  string  // smtp://user:pass@host:port or smtps://…; empty: no e-mail
	MailFrom string  // sender of digests
	MailRate float64 // messages per second at most (0: no limit)

	SubmitWindow  time.Duration // papers can be submitted this long after their first version
	SubmitCap     int           // submissions per user per 24 h
	MinAccountAge time.Duration // before an account may submit

	// arXiv
	OAIEndpoint   string
	QueryEndpoint string
	ArxivSets     []string      // sets the server harvests after each announcement
	ArxivFormat   string        // OAI-PMH metadata format
	ArxivContact  string        // e-mail for the User-Agent, as arXiv asks
	ArxivInterval time.Duration // between requests; arXiv's rule is 3 s
}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./quire-data", SiteName: "quire", LogLevel: "info",
		LogFormat: "text", CacheSize: 4096, OAIEndpoint: "https://oaipmh.arxiv.org/oai",
		QueryEndpoint: "https://export.arxiv.org/api/query", ArxivFormat: "arXivRaw", ArxivInterval: 3 * time.Second,
		SubmitWindow: 14 * 24 * time.Hour, SubmitCap: 5, MailRate: 20}
}

// DBPath is the SQLite database file.
func (c Config) DBPath() string { return filepath.Join(c.DataDir, "quire.db") }

// BindFlags registers the flags shared by commands that open the data
// directory, each defaulting to its environment variable.
func (c *Config) BindFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.DataDir, "data", env(getenv, "QUIRE_DATA", c.DataDir), "data directory (env QUIRE_DATA)")
	fs.StringVar(&c.LogLevel, "log-level", env(getenv, "QUIRE_LOG_LEVEL", c.LogLevel), "debug, info, warn or error (env QUIRE_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env(getenv, "QUIRE_LOG_FORMAT", c.LogFormat), "text or json (env QUIRE_LOG_FORMAT)")
}

// BindMailFlags registers the e-mail flags (serve, digest).
func (c *Config) BindMailFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.SMTPURL, "smtp-url", env(getenv, "QUIRE_SMTP_URL", c.SMTPURL), "SMTP server, smtp://user:pass@host:port (STARTTLS when offered) or smtps:// (env QUIRE_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env(getenv, "QUIRE_MAIL_FROM", c.MailFrom), "sender address of digests, e.g. \"quire <digest@example.org>\" (env QUIRE_MAIL_FROM)")
	fs.Float64Var(&c.MailRate, "mail-rate", envFloat(getenv, "QUIRE_MAIL_RATE", c.MailRate), "messages per second at most, 0 for no limit (env QUIRE_MAIL_RATE)")
	fs.StringVar(&c.BaseURL, "base-url", env(getenv, "QUIRE_BASE_URL", c.BaseURL), "public URL of the site, used in feeds and e-mail links (env QUIRE_BASE_URL)")
	fs.StringVar(&c.SiteName, "site-name", env(getenv, "QUIRE_SITE_NAME", c.SiteName), "name shown on pages, feeds and e-mails (env QUIRE_SITE_NAME)")
}

// BindArxivFlags registers the flags of commands that talk to arXiv.
func (c *Config) BindArxivFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.OAIEndpoint, "oai-endpoint", env(getenv, "QUIRE_OAI_ENDPOINT", c.OAIEndpoint), "arXiv OAI-PMH endpoint (env QUIRE_OAI_ENDPOINT)")
	fs.StringVar(&c.QueryEndpoint, "query-endpoint", env(getenv, "QUIRE_QUERY_ENDPOINT", c.QueryEndpoint), "arXiv query API endpoint (env QUIRE_QUERY_ENDPOINT)")
	fs.StringVar(&c.ArxivFormat, "format", env(getenv, "QUIRE_ARXIV_FORMAT", c.ArxivFormat), "OAI-PMH metadata format: arXivRaw, arXiv or oai_dc (env QUIRE_ARXIV_FORMAT)")
	fs.StringVar(&c.ArxivContact, "contact", env(getenv, "QUIRE_ARXIV_CONTACT", c.ArxivContact), "e-mail put in the User-Agent sent to arXiv (env QUIRE_ARXIV_CONTACT)")
	fs.DurationVar(&c.ArxivInterval, "interval", envDuration(getenv, "QUIRE_ARXIV_INTERVAL", c.ArxivInterval), "time between requests; arXiv asks for 3s (env QUIRE_ARXIV_INTERVAL)")
}

// BindServeFlags registers the flags of `quire serve`.
func (c *Config) BindServeFlags(fs *flag.FlagSet, getenv func(string) string) {
	c.BindArxivFlags(fs, getenv)
	fs.Func("arxiv-sets", "comma-separated OAI-PMH sets to harvest after each arXiv announcement, e.g. cs:cs:LG,cs:cs:CL (env QUIRE_ARXIV_SETS)", func(v string) error {
		c.ArxivSets = splitList(v)
		return nil
	})
	fs.DurationVar(&c.SubmitWindow, "submit-window", envDuration(getenv, "QUIRE_SUBMIT_WINDOW", c.SubmitWindow), "papers can be submitted within this time of their first arXiv version (env QUIRE_SUBMIT_WINDOW)")
	fs.IntVar(&c.SubmitCap, "submit-cap", envInt(getenv, "QUIRE_SUBMIT_CAP", c.SubmitCap), "submissions per user per 24 hours, 0 for no cap (env QUIRE_SUBMIT_CAP)")
	fs.DurationVar(&c.MinAccountAge, "min-account-age", envDuration(getenv, "QUIRE_MIN_ACCOUNT_AGE", c.MinAccountAge), "how old an account must be to submit (env QUIRE_MIN_ACCOUNT_AGE)")
	fs.StringVar(&c.AdminToken, "admin-token", env(getenv, "QUIRE_ADMIN_TOKEN", c.AdminToken), "password of the /admin page; empty disables it (env QUIRE_ADMIN_TOKEN)")
	if v := getenv("QUIRE_ARXIV_SETS"); v != "" {
		c.ArxivSets = splitList(v)
	}
	fs.StringVar(&c.Addr, "addr", env(getenv, "QUIRE_ADDR", c.Addr), "listen address (env QUIRE_ADDR)")
	fs.StringVar(&c.EmbedURL, "embed-url", env(getenv, "QUIRE_EMBED_URL", c.EmbedURL), "OpenAI-compatible embeddings endpoint for semantic search, e.g. http://127.0.0.1:11434/v1 (Ollama); the built-in embedder is the fallback (env QUIRE_EMBED_URL)")
	fs.StringVar(&c.EmbedModel, "embed-model", env(getenv, "QUIRE_EMBED_MODEL", c.EmbedModel), "model name sent to --embed-url (env QUIRE_EMBED_MODEL)")
	fs.StringVar(&c.EmbedKey, "embed-key", env(getenv, "QUIRE_EMBED_KEY", c.EmbedKey), "API key for --embed-url, sent as a Bearer token (env QUIRE_EMBED_KEY)")
	fs.BoolVar(&c.Demo, "demo", envBool(getenv, "QUIRE_DEMO", c.Demo), "load the bundled demo corpus when the database is empty (env QUIRE_DEMO)")
	c.BindMailFlags(fs, getenv)
	fs.IntVar(&c.CacheSize, "cache", envInt(getenv, "QUIRE_CACHE", c.CacheSize), "response cache entries, 0 to disable (env QUIRE_CACHE)")
}

// Validate checks values and combinations.
func (c Config) Validate() error {
	if c.DataDir == "" {
		return fmt.Errorf("config: --data must not be empty")
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
	if c.CacheSize < 0 {
		return fmt.Errorf("config: --cache must be >= 0")
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

func env(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envBool(getenv func(string) string, key string, def bool) bool {
	if b, err := strconv.ParseBool(getenv(key)); err == nil {
		return b
	}
	return def
}

func envDuration(getenv func(string) string, key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv(key)); err == nil {
		return d
	}
	return def
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

func envFloat(getenv func(string) string, key string, def float64) float64 {
	if f, err := strconv.ParseFloat(getenv(key), 64); err == nil {
		return f
	}
	return def
}

func envInt(getenv func(string) string, key string, def int) int {
	if n, err := strconv.Atoi(getenv(key)); err == nil {
		return n
	}
	return def
}

// UserAgent is what quire sends to arXiv: the product, its version and how
// to reach the operator, as arXiv's terms ask.
func (c Config) UserAgent(version string) string {
	ua := "quire/" + version + " (self-hosted Daily Papers"
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
