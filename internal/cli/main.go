package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/demo"
	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/embed"
	"github.com/quire/quire/internal/gctarget"
	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/scheduler"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/web"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/ui"
)

// Main is a running quire server: the store, the search index and the HTTP
// server. Run starts it without blocking; Close shuts it down gracefully.
type Main struct {
	Config config.Config
	Log    *slog.Logger

	DB    *sqlstore.DB
	Index *search.Index
	Jobs  *scheduler.Scheduler

	closers []func() error
	server  *http.Server
	ln      net.Listener
	stop    context.CancelFunc
	done    chan struct{}
	bg      sync.WaitGroup // the goroutines Run starts; Close waits for them
}

// NewMain returns a Main for cfg.
func NewMain(cfg config.Config, log *slog.Logger) *Main {
	return &Main{Config: cfg, Log: log, done: make(chan struct{})}
}

// Run opens and migrates the database, loads the demo corpus when asked,
// builds the search index and starts serving.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	bg, stop := context.WithCancel(context.Background())
	m.stop = stop
	m.bg.Go(func() { // from the start: building a large index passes the threshold
		gctarget.Watch(bg, time.Second, func(live uint64, l gctarget.Level) {
			m.Log.Info("large heap: garbage collection target lowered", slog.Int("percent", l.Percent), slog.Uint64("live_bytes", live))
		})
	})
	db, err := openStore(ctx, m.Config, m.Log)
	if err != nil {
		return err
	}
	m.DB = db
	if m.Config.Demo {
		if _, err := demo.LoadIfEmpty(ctx, db, m.Log); err != nil {
			return fmt.Errorf("load demo corpus: %w", err)
		}
	}
	if m.Index, err = openIndex(ctx, m.Config, db, m.Log); err != nil {
		return err
	}
	persistIndex(m.Config, m.Index, m.Log, 0) // a first build is worth keeping at once
	if m.Config.EmbedURL != "" {
		m.Index.UseEmbedder(embed.New(m.Config.EmbedURL, m.Config.EmbedModel, m.Config.EmbedKey))
	}

	papers := &core.Papers{Store: db, Search: m.Index, Log: m.Log, Now: time.Now}
	accounts := &core.Accounts{Store: db, Now: time.Now, SessionTTL: ui.SessionTTL}
	fetcher := &ingest.Fetcher{Client: arxivClient(m.Config, m.Log), Store: db, Endpoint: m.Config.QueryEndpoint, Log: m.Log}
	fetch := func(ctx context.Context, id string) error {
		_, err := fetcher.Fetch(ctx, []string{id})
		return err
	}
	papers.Fetch = fetch // a pasted arXiv id that is not stored yet
	community := &core.Community{Store: db, Rules: m.Config.SubmitRules(), Now: time.Now, PromoteOnUpvote: m.Config.Promote, Fetch: fetch}
	library := &core.Library{Store: db, Now: time.Now, Fetch: fetch, Titles: papers, Vectors: m.Index}
	m.Jobs = scheduler.New(m.Log)
	// Harvests, syncs and digests run once across replicas, claimed
	// through leases in the database.
	m.Jobs.Leases, m.Jobs.Holder = db, replicaName()
	sets := m.Config.HarvestSets(arxiv.SetOf)
	if len(sets) > 0 && m.Config.Jobs {
		job := m.harvestJob(sets)
		run := job.Run
		job.Run = func(ctx context.Context) error {
			err := run(ctx)
			m.warnQuietSources(ctx, papers, sets)
			return err
		}
		m.Jobs.Add(job)
	}
	if m.Config.HFSync && m.Config.Jobs {
		for _, j := range m.hfJobs() {
			m.Jobs.Add(j)
		}
	}
	if m.Config.Jobs {
		m.Jobs.Add(importFetchJob(library, fetcher))
		m.Jobs.Add(recommendJob(library, m.Index, m.Log))
	}
	subs, sender, err := emailParts(ctx, m.Config, db, papers, m.Log)
	if err != nil {
		return err
	}
	sender.Following = followingFor(library)
	sender.Recommend = func(ctx context.Context, user string, days int) ([]core.ForYouSection, error) {
		return library.ForYou(ctx, &model.Account{Name: user, Role: model.RoleMember}, days, 5)
	}
	if sender.Mailer != nil && m.Config.Jobs {
		m.Jobs.Add(digestJob(sender))
		m.closers = append(m.closers, sender.Mailer.Close)
	}
	proxies, _ := m.Config.ProxyNets() // checked by Validate
	metricsNets, _ := m.Config.MetricsNets()
	var shared auth.Buckets
	if m.Config.RateLimits == "database" {
		shared = db
	}
	srv, err := web.New(web.Options{Papers: papers, Library: library, SharedLimits: shared, Accounts: accounts, Community: community, Log: m.Log,
		Subscriptions: subs, Digests: sender, SiteName: m.Config.SiteName,
		BaseURL: m.Config.BaseURL, CacheBytes: m.Config.CacheMB << 20, AdminToken: m.Config.AdminToken,
		Jobs: m.Jobs, ArxivSets: sets, Categories: m.Config.Categories, Home: m.Config.Home, Proxies: proxies, MetricsAllow: metricsNets,
		MetricsToken: m.Config.MetricsToken, Ready: db.Ready, Unavailable: db.IsUnavailable, OIDC: oidcLogin(m.Config),
		Sources: func(ctx context.Context) ([]core.Source, error) { return papers.Sources(ctx, m.sourceConfig(sets)) }})
	if err != nil {
		return err
	}
	if !m.Config.Web { // a replica that only runs the jobs
		close(m.done)
		m.bg.Go(func() { m.followStore(bg) }) // digests search for saved searches
		m.Jobs.Start(bg)
		return nil
	}
	if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.server = &http.Server{Handler: web.AccessLog(m.Log, srv), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn)}
	m.bg.Go(func() { m.followStore(bg) })
	if m.Config.EmbedURL != "" {
		m.bg.Go(func() { m.Index.RunRemote(bg, 2*time.Second) })
	}
	m.Jobs.Start(bg)
	go func() {
		defer close(m.done)
		if err := m.server.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("server stopped", slog.Any("error", err))
		}
	}()
	return nil
}

// oidcLogin is sign-in with the configured provider, or nil.
func oidcLogin(cfg config.Config) *ui.OIDC {
	if cfg.OIDCIssuer == "" {
		return nil
	}
	return &ui.OIDC{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret, Name: cfg.OIDCName,
		RedirectURL: strings.TrimSuffix(cfg.BaseURL, "/") + "/login/oidc/callback"}
}

// sourceConfig is what /status reports on, with the scheduler's next runs.
func (m *Main) sourceConfig(sets []string) core.SourceConfig {
	next := map[string]time.Time{}
	for _, st := range m.Jobs.Statuses() {
		switch st.Name {
		case ui.HarvestJob:
			for _, set := range sets {
				next["oai:"+set] = st.Next
			}
		case HFTodayJob, HFRecentJob:
			if t, ok := next["hf"]; !ok || st.Next.Before(t) {
				next["hf"] = st.Next
			}
		}
	}
	return core.SourceConfig{Categories: m.Config.Categories, SetOf: arxiv.SetOf, Sets: sets, HF: m.Config.HFSync,
		HFEndpoint: m.Config.HFEndpoint, HarvestDelay: HarvestDelay, Next: next}
}

// warnQuietSources logs every source /status warns about, after a run:
// a quiet day is said in the log too, never silent.
func (m *Main) warnQuietSources(ctx context.Context, papers *core.Papers, sets []string) {
	srcs, err := papers.Sources(ctx, m.sourceConfig(sets))
	if err != nil {
		m.Log.Warn("source status unavailable", slog.Any("error", err))
		return
	}
	for _, s := range srcs {
		if s.Warning != "" {
			m.Log.Warn("source needs attention", slog.String("source", s.Name), slog.String("warning", s.Warning),
				slog.String("latest_day", s.LatestDay.String()))
		}
	}
}

// HarvestDelay is how long after an announcement (20:00 US Eastern) the
// harvest runs: the metadata reaches OAI-PMH around 22:30.
const HarvestDelay = 150 * time.Minute

// harvestJob harvests the configured sets after each announcement.
func (m *Main) harvestJob(sets []string) scheduler.Job {
	h := &ingest.Harvester{Client: arxivClient(m.Config, m.Log), Store: m.DB, Endpoint: m.Config.OAIEndpoint,
		Format: m.Config.ArxivFormat, LockDir: m.Config.DataDir, Log: m.Log}
	return scheduler.Job{Name: ui.HarvestJob, Retries: 4, RetryDelay: 15 * time.Minute, Shared: true,
		Next: func(now time.Time) time.Time { return scheduler.NextAnnouncement(now, HarvestDelay) },
		Run: func(ctx context.Context) error {
			var errs []error
			for _, set := range sets {
				_, err := ingest.RecordRun(ctx, m.DB, "oai", set, func() (int, int, error) {
					r, err := h.Harvest(ctx, set, "")
					if r == nil {
						return 0, 0, err
					}
					return r.Papers, len(r.Skipped), err
				})
				if err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}}
}

// HFNightHour is when (UTC) the nightly Hugging Face sync of the last
// HFRecentDays runs: upvotes keep growing for a week or two, and comments,
// stars, code links, organizations and AI summaries come later.
const (
	HFNightHour  = 3
	HFRecentDays = 14
	HFTodayEvery = 30 * time.Minute
)

// hfJobs are the Hugging Face sync: today's list every 30 minutes on
// weekdays, and the last 14 days each night.
func (m *Main) hfJobs() []scheduler.Job {
	h := hfLive(m.Config, m.DB, m.Log)
	run := func(days int) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			today := model.DateOf(time.Now())
			_, err := ingest.RecordRun(ctx, m.DB, "hf", m.Config.HFEndpoint, func() (int, int, error) {
				n, err := h.Sync(ctx, today.AddDays(-(days - 1)), today)
				return n, 0, err
			})
			return err
		}
	}
	return []scheduler.Job{
		{Name: HFTodayJob, Retries: 2, RetryDelay: 5 * time.Minute, Run: run(1), Shared: true,
			Next: func(now time.Time) time.Time {
				t := now.Truncate(HFTodayEvery).Add(HFTodayEvery)
				for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
					t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
				}
				return t
			}},
		{Name: HFRecentJob, Retries: 3, RetryDelay: 15 * time.Minute, Run: run(HFRecentDays), Shared: true,
			Next: func(now time.Time) time.Time {
				t := time.Date(now.Year(), now.Month(), now.Day(), HFNightHour, 0, 0, 0, time.UTC)
				if !t.After(now) {
					t = t.AddDate(0, 0, 1)
				}
				return t
			}},
	}
}

// Names of the Hugging Face sync jobs.
const (
	HFTodayJob  = "hf-today"
	HFRecentJob = "hf-recent"
)

// DigestHour is when digests go out (UTC): after arXiv's announcement
// (00:00–01:00 UTC) has reached the lists.
const DigestHour = 6

// digestJob sends the digests due each morning: daily ones Monday to
// Friday, weekly ones on Mondays.
// ImportFetchBatch is how many ids one run of the import fetch job asks
// arXiv for: one query API request (the client keeps arXiv's pace).
const ImportFetchBatch = 100

// importFetchJob brings from arXiv the papers that imports into
// collections wait for, every minute, once across replicas.
func importFetchJob(library *core.Library, fetcher *ingest.Fetcher) scheduler.Job {
	return scheduler.Job{Name: "import-fetch", Shared: true, Retries: 2, RetryDelay: time.Minute,
		Next: func(now time.Time) time.Time { return now.Truncate(time.Minute).Add(time.Minute) },
		Run: func(ctx context.Context) error {
			for {
				n, err := library.FetchPending(ctx, func(ctx context.Context, ids []string) error {
					_, err := fetcher.Fetch(ctx, ids)
					return err
				}, ImportFetchBatch)
				if err != nil || n == 0 {
					return err
				}
			}
		}}
}

// RefreshPerRun bounds the interests one run of the recommend job
// retrains (the rest wait for the next minute, or for their owner's page
// load, which retrains what it shows).
const RefreshPerRun = 200

// recommendJob keeps the stored recommendations fresh, every minute, once
// across replicas: it retrains the interests changed since their model
// was stored, then ranks the papers written since its last run for every
// interest. The index must have followed the store first, so that the new
// papers have their vectors.
func recommendJob(library *core.Library, ix *search.Index, log *slog.Logger) scheduler.Job {
	return scheduler.Job{Name: "recommend", Shared: true, Retries: 2, RetryDelay: time.Minute,
		Next: func(now time.Time) time.Time { return now.Truncate(time.Minute).Add(time.Minute) },
		Run: func(ctx context.Context) error {
			if err := ix.Sync(ctx); err != nil {
				return err
			}
			n, err := library.RefreshStale(ctx, RefreshPerRun)
			if err != nil {
				return err
			}
			st, err := library.RankNew(ctx)
			if n > 0 || st.Papers > 0 {
				log.Info("recommendations updated", slog.Int("retrained", n+st.Unreadable), slog.Int("papers", st.Papers), slog.Int("other_space", st.OtherSpace),
					slog.Int("interests", st.Interests))
			}
			return err
		}}
}

// followingFor gives the digest a subscriber's followed papers.
func followingFor(library *core.Library) func(ctx context.Context, user string, days int) ([]*model.Paper, error) {
	return func(ctx context.Context, user string, days int) ([]*model.Paper, error) {
		fps, err := library.Following(ctx, &model.Account{Name: user, Role: model.RoleMember}, days)
		ps := make([]*model.Paper, len(fps))
		for i, fp := range fps {
			ps[i] = fp.Paper
		}
		return ps, err
	}
}

func digestJob(sender *digest.Sender) scheduler.Job {
	return scheduler.Job{Name: "digest", Retries: 3, RetryDelay: 10 * time.Minute, Shared: true,
		Next: func(now time.Time) time.Time {
			t := time.Date(now.Year(), now.Month(), now.Day(), DigestHour, 0, 0, 0, time.UTC)
			if !t.After(now) {
				t = t.AddDate(0, 0, 1)
			}
			return t
		},
		Run: func(ctx context.Context) error {
			day := model.DateOf(time.Now())
			var errs []error
			for _, f := range []string{model.Daily, model.Weekly} {
				if digest.Due(f, day) {
					if _, err := sender.Run(ctx, f, day); err != nil {
						errs = append(errs, err)
					}
				}
			}
			return errors.Join(errs...)
		}}
}

// followStore keeps the search index in step with writes made by other
// processes (quire ingest) while the server runs.
func (m *Main) followStore(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.Index.Sync(ctx); err != nil && ctx.Err() == nil {
				m.Log.Warn("search index sync failed", slog.Any("error", err))
			}
			persistIndex(m.Config, m.Index, m.Log, SaveEvery)
		}
	}
}

// URL is the base URL the server listens on.
func (m *Main) URL() string {
	if m.ln == nil {
		return "" // --web=false
	}
	return "http://" + m.ln.Addr().String()
}

// Close stops accepting requests, lets running ones finish (up to 10 s) and
// closes the database.
func (m *Main) Close() error {
	var err error
	if m.stop != nil {
		m.stop()
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = m.server.Shutdown(ctx)
		<-m.done
	}
	if m.Jobs != nil {
		m.Jobs.Wait() // a harvest in progress stops at its next request
	}
	m.bg.Wait() // the index follower and the embeddings worker
	if m.Index != nil {
		persistIndex(m.Config, m.Index, m.Log, 0)
	}
	for _, c := range m.closers {
		_ = c()
	}
	if m.DB != nil {
		if e := m.DB.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}
