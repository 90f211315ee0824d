// Package ui serves the HTML site: the daily, weekly and monthly lists, paper
// pages, search and organization pages. Pages are server-rendered and work
// without JavaScript; assets are embedded.
package ui

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
)

// Handler serves the HTML pages.
type Handler struct {
	Papers    *core.Papers
	Accounts  *core.Accounts
	Community *core.Community
	Library   *core.Library
	Limiter   *auth.Limiter
	Log       *slog.Logger
	SiteName  string
	Subs      *digest.Subscriptions // e-mail subscriptions
	Digests   *digest.Sender        // for /digest/preview
	OIDC      *OIDC                 // sign-in with a provider, when configured
	// Categories are the arXiv categories or archives the instance follows.
	Categories []string
	// Home is what / shows: "auto" (default), "daily" or "new".
	Home string
	// Sources reports the freshness of every source (/status).
	Sources func(ctx context.Context) ([]core.Source, error)

	assets *assets
	views  *engine
}

// New loads the assets and parses every template.
func New(papers *core.Papers, accounts *core.Accounts, community *core.Community, limiter *auth.Limiter,
	log *slog.Logger, siteName string) (*Handler, error) {
	h := &Handler{Papers: papers, Accounts: accounts, Community: community, Limiter: limiter, Log: log, SiteName: siteName}
	var err error
	if h.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if h.views, err = newEngine(h.funcs()); err != nil {
		return nil, err
	}
	return h, nil
}

// ActionRoutes registers the pages and forms of accounts and the community;
// their answers depend on who asks, so they are never cached.
func (h *Handler) ActionRoutes(handle func(pattern string, fn http.HandlerFunc)) {
	h.accountRoutes(handle)
	h.oidcRoutes(handle)
	handle("GET /status", h.status) // fresh on every load: it reports the clock
	h.communityRoutes(handle)
	h.emailRoutes(handle)
	h.libraryRoutes(handle)
	h.accountDataRoutes(handle)
	h.followRoutes(handle)
	h.forYouRoutes(handle)
}

// Routes registers the pages.
func (h *Handler) Routes(handle func(pattern string, fn http.HandlerFunc)) {
	handle("GET /{$}", h.home)
	handle("GET /papers", h.papers)
	handle("GET /papers/date/{key}", h.period(model.Day))
	handle("GET /papers/week/{key}", h.period(model.Week))
	handle("GET /papers/month/{key}", h.period(model.Month))
	handle("GET /papers/trending", h.trending)
	h.newRoutes(handle)
	handle("GET /papers/{id...}", h.paper)
	handle("GET /orgs", h.orgs) // cached for visitors; admins (with a cookie) bypass the cache
	handle("GET /orgs/{name}", h.org)
	handle("GET /static/", h.assets.ServeHTTP)
	handle("GET /favicon.ico", h.assets.favicon)
	handle("GET /", h.notFound)
}

// page is what every view gets: the site name, the page title and its
// feeds, plus the view's own data.
type page struct {
	User  *model.Account // the viewer, nil when anonymous
	Path  string
	Site  string
	Title string
	Query string
	Feeds []feedLink
	Meta  []metaTag // <meta name content> in the head (Highwire citation tags)
	// Description is the page's meta description, what search engines and
	// link previews show; render gives a page without one a line naming it.
	Description string
	Nav         string // which nav entry is current
	Data        any
	Status      int
}

type feedLink struct {
	Type, Title, Href string
}

func dailyFeeds() []feedLink {
	return []feedLink{
		{"application/rss+xml", "Daily Papers (RSS)", "/feed/daily.rss"},
		{"application/atom+xml", "Daily Papers (Atom)", "/feed/daily.atom"},
		{"application/feed+json", "Daily Papers (JSON Feed)", "/feed/daily.json"},
	}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, view string, p page) {
	p.Site = h.SiteName
	p.User, p.Path = auth.Account(r), r.URL.Path
	if p.Description == "" {
		p.Description = p.Title + " on " + p.Site + ": new research papers every day, ranked by the community's upvotes, with discussion, search and feeds."
	}
	if p.Status == 0 {
		p.Status = http.StatusOK
	}
	body, done, err := h.views.render(view, p)
	if err != nil {
		h.Log.Error("render failed", slog.String("view", view), slog.String("path", r.URL.Path), slog.Any("error", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	defer done() // Write copies: the buffer can go back once written
	response.Bytes(w, p.Status, "text/html; charset=utf-8", body.Bytes())
}

// fail renders the error page with the status that err maps to.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = response.Classify(r, err)
	status := response.Fail(w, r, h.Log, err)
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/login?next="+queryEscape(r.URL.Path), http.StatusSeeOther)
		return
	}
	h.render(w, r, "error", page{Title: http.StatusText(status), Status: status,
		Data: map[string]any{"Status": status, "Message": model.ErrorMessage(err)}})
}

// describe shortens text to a meta description: search engines show about
// 160 characters, so it ends at the last word that fits, with "…".
func describe(text string) string {
	const max = 160
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	r := []rune(text)[:max]
	cut := strings.LastIndexByte(string(r), ' ')
	if cut < max/2 {
		cut = len(string(r))
	}
	return strings.TrimRight(string(r)[:cut], " ,;:.") + "…"
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.fail(w, r, model.Errorf(model.ENOTFOUND, "There is no page at %s.", r.URL.Path))
}
