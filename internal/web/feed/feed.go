// Package feed serves every paper list as RSS 2.0, Atom and JSON Feed 1.1,
// built with gorilla/feeds. Abstracts go in as HTML with their math as
// MathML, which feed readers built on browser engines display.
package feed

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/feeds"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/latex"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/response"
)

// Handler serves /feed/daily.* and /feed/search.*.
type Handler struct {
	Papers   *core.Papers
	Library  *core.Library
	Log      *slog.Logger
	SiteName string
	// BaseURL makes links absolute; when empty the request's host is used.
	BaseURL string
	// Categories are the arXiv categories the instance follows (/feed/new).
	Categories []string
}

// DailyItems is how many of the latest daily papers the daily feed holds.
const DailyItems = 50

// Formats maps a feed file extension to its content type.
var Formats = map[string]string{
	"rss":  "application/rss+xml; charset=utf-8",
	"atom": "application/atom+xml; charset=utf-8",
	"json": "application/feed+json; charset=utf-8",
}

// Routes registers the feeds.
func (h *Handler) Routes(handle func(pattern string, fn http.HandlerFunc)) {
	for ext := range Formats {
		handle("GET /feed/daily."+ext, h.daily(ext))
		handle("GET /feed/search."+ext, h.search(ext))
		handle("GET /feed/new."+ext, h.newPapers(ext))
	}
	handle("GET /feed/saved/{file}", h.saved)  // {secret}.{ext}
	handle("GET /feed/c/{file}", h.collection) // {secret}.{ext}
	handle("GET /feed/following/{file}", h.following)
	handle("GET /feed/for-you/{file}", h.forYou) // {collection secret}.{ext}
}

func (h *Handler) daily(ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		papers, _, err := h.Papers.List(r.Context(), core.ListQuery{Sort: core.SortPublishedAt, Limit: DailyItems})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		base := h.base(r)
		f := &feeds.Feed{Title: h.SiteName + ": Daily Papers", Link: &feeds.Link{Href: base + "/"},
			Description: "The latest papers on " + h.SiteName + "'s daily list, ranked by the community.",
			Id:          base + "/feed/daily." + ext}
		h.write(w, r, ext, f, papers, base)
	}
}

// newPapers is the feed of arXiv's latest listing of the followed
// categories, or of ?category=: new submissions, then cross-lists.
func (h *Handler) newPapers(ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cats, cat := h.Categories, r.URL.Query().Get("category")
		if cat != "" {
			parsed, err := core.ParseCategories(cat)
			if err != nil || len(parsed) != 1 {
				h.fail(w, r, model.Errorf(model.EINVALID, "%q is not an arXiv category or archive", cat))
				return
			}
			cats = parsed
		}
		l, err := h.Papers.NewListing(r.Context(), core.ListingQuery{Categories: cats})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		base := h.base(r)
		title, link := h.SiteName+": new on arXiv", base+"/papers/new"
		if cat != "" {
			title, link = title+" in "+cat, base+"/c/"+urlPath(cat)
		}
		f := &feeds.Feed{Title: title, Link: &feeds.Link{Href: link},
			Description: "arXiv's latest announcement, ranked by the community's upvotes.",
			Id:          base + "/feed/new." + ext + "?category=" + urlQuery(cat)}
		h.write(w, r, ext, f, append(l.New, l.Cross...), base)
	}
}

func (h *Handler) search(ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		if strings.TrimSpace(q) == "" {
			h.fail(w, r, model.Errorf(model.EINVALID, "missing query: add ?q=…"))
			return
		}
		papers, err := h.Papers.SearchPapers(r.Context(), q, DailyItems)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		base := h.base(r)
		f := &feeds.Feed{Title: fmt.Sprintf("%s: search for %q", h.SiteName, q),
			Link: &feeds.Link{Href: base + "/papers?q=" + urlQuery(q)}, Description: "Papers matching " + q,
			Id: base + "/feed/search." + ext + "?q=" + urlQuery(q)}
		h.write(w, r, ext, f, papers, base)
	}
}

// saved serves /feed/saved/{secret}.{rss,atom,json}: a saved search's
// feed, private to whoever holds its secret URL.
func (h *Handler) saved(w http.ResponseWriter, r *http.Request) {
	secret, ext, ok := h.secretFile(w, r)
	if !ok {
		return
	}
	s, err := h.Papers.Store.FindSavedSearchByFeed(r.Context(), secret)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	papers, err := h.Papers.SearchPapers(r.Context(), s.Query, DailyItems)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := h.base(r)
	f := &feeds.Feed{Title: fmt.Sprintf("%s: saved search %q", h.SiteName, s.Query),
		Link: &feeds.Link{Href: base + "/papers?q=" + urlQuery(s.Query)}, Description: "Papers matching " + s.Query,
		Id: base + "/feed/saved/" + secret + "." + ext}
	w.Header().Set("X-Robots-Tag", "noindex")
	h.write(w, r, ext, f, papers, base)
}

// collection serves /feed/c/{secret}.{rss,atom,json}: a collection's
// latest additions, for whoever holds its secret URL (the owner's page
// shows it; a new secret revokes the old URL).
func (h *Handler) collection(w http.ResponseWriter, r *http.Request) {
	secret, ext, ok := h.secretFile(w, r)
	if !ok {
		return
	}
	c, err := h.Library.CollectionByFeed(r.Context(), secret)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	latest := *c
	latest.Order = model.OrderRecent
	its, err := h.Library.Items(r.Context(), &latest, 0, DailyItems)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	papers := make([]*model.Paper, len(its))
	for i, it := range its {
		papers[i] = it.Paper
	}
	base := h.base(r)
	f := &feeds.Feed{Title: h.SiteName + ": " + c.Name, Link: &feeds.Link{Href: base + "/u/" + urlPath(c.Owner) + "/c/" + urlPath(c.Slug)},
		Description: "Papers " + c.Owner + " adds to " + c.Name, Id: base + "/feed/c/" + secret + "." + ext}
	if c.Private {
		w.Header().Set("X-Robots-Tag", "noindex")
	}
	h.write(w, r, ext, f, papers, base)
}

// FollowingDays is the window of the /following feed.
const FollowingDays = 14

// following serves /feed/following/{secret}.{ext}: the new papers of what
// one reader follows.
func (h *Handler) following(w http.ResponseWriter, r *http.Request) {
	secret, ext, ok := h.secretFile(w, r)
	if !ok {
		return
	}
	user, fps, err := h.Library.FollowingByFeed(r.Context(), secret, FollowingDays)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	papers := make([]*model.Paper, 0, min(len(fps), DailyItems))
	for _, fp := range fps[:min(len(fps), DailyItems)] {
		papers = append(papers, fp.Paper)
	}
	base := h.base(r)
	f := &feeds.Feed{Title: h.SiteName + ": followed by " + user, Link: &feeds.Link{Href: base + "/following"},
		Description: "New papers of the authors, organizations and users " + user + " follows.", Id: base + "/feed/following/" + secret + "." + ext}
	w.Header().Set("X-Robots-Tag", "noindex")
	h.write(w, r, ext, f, papers, base)
}

// forYou serves /feed/for-you/{secret}.{ext}: the recommendations of the
// interest whose collection feed secret this is.
func (h *Handler) forYou(w http.ResponseWriter, r *http.Request) {
	secret, ext, ok := h.secretFile(w, r)
	if !ok {
		return
	}
	sec, err := h.Library.ForInterestByFeed(r.Context(), secret, FollowingDays, DailyItems)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	papers := make([]*model.Paper, len(sec.Papers))
	for i, p := range sec.Papers {
		papers[i] = p.Paper
	}
	base := h.base(r)
	f := &feeds.Feed{Title: h.SiteName + ": for " + sec.Interest.Name, Link: &feeds.Link{Href: base + "/for-you"},
		Description: "New papers ranked for the interest " + sec.Interest.Name, Id: base + "/feed/for-you/" + secret + "." + ext}
	w.Header().Set("X-Robots-Tag", "noindex")
	h.write(w, r, ext, f, papers, base)
}

// secretFile reads the {secret}.{ext} of a private feed's path; it answers
// 404 and reports false when that is not one.
func (h *Handler) secretFile(w http.ResponseWriter, r *http.Request) (string, string, bool) {
	secret, ext, _ := strings.Cut(r.PathValue("file"), ".")
	if _, ok := Formats[ext]; !ok || secret == "" {
		h.fail(w, r, model.Errorf(model.ENOTFOUND, "no such feed"))
		return "", "", false
	}
	return secret, ext, true
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = response.Classify(r, err)
	http.Error(w, model.ErrorMessage(err), response.Fail(w, r, h.Log, err))
}

func (h *Handler) base(r *http.Request) string {
	if h.BaseURL != "" {
		return strings.TrimSuffix(h.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *Handler) write(w http.ResponseWriter, r *http.Request, ext string, f *feeds.Feed, papers []*model.Paper, base string) {
	for _, p := range papers {
		f.Items = append(f.Items, item(p, base))
	}
	// The feed's date is its newest item's, so that identical content gives
	// identical bytes (and ETags).
	for _, it := range f.Items {
		if it.Created.After(f.Updated) {
			f.Updated = it.Created
		}
	}
	f.Created = f.Updated
	if ext != "json" {
		// RSS descriptions and Atom's type="html" summaries are read as
		// HTML: plain text (abstracts, queries) must be escaped for it.
		if ext == "rss" {
			f.Description = htmlEscape(f.Description)
		}
		for _, it := range f.Items {
			it.Description = htmlEscape(it.Description)
		}
	}
	cleanFeed(f)
	var body string
	var err error
	switch ext {
	case "rss":
		body, err = f.ToRss()
	case "atom":
		body, err = f.ToAtom()
	default:
		body, err = f.ToJSON()
	}
	if err != nil {
		h.fail(w, r, fmt.Errorf("feed: encode %s: %w", ext, err))
		return
	}
	response.Bytes(w, http.StatusOK, Formats[ext], []byte(body))
}

func item(p *model.Paper, base string) *feeds.Item {
	link := base + "/papers/" + p.ID
	created := p.PublishedAt
	if p.Daily != nil && !p.Daily.SubmittedAt.IsZero() {
		created = p.Daily.SubmittedAt
	}
	var authors []string
	for _, a := range p.VisibleAuthors() {
		authors = append(authors, a.Name)
	}
	var meta []string
	if len(authors) > 0 {
		meta = append(meta, strings.Join(authors, ", "))
	}
	if p.Organization != nil {
		meta = append(meta, p.Organization.Fullname)
	}
	meta = append(meta, fmt.Sprintf("%d upvotes", p.Upvotes))
	content := "<p>" + htmlEscape(strings.Join(meta, " · ")) + "</p>" + latex.Block(p.Summary).HTML +
		`<p><a href="https://arxiv.org/abs/` + htmlEscape(p.ID) + `">arXiv</a>`
	if repo := model.WebURL(p.GithubRepo); repo != "" {
		content += ` · <a href="` + htmlEscape(repo) + `">code</a>`
	}
	content += "</p>"
	it := &feeds.Item{Title: latex.Text(p.Title), Link: &feeds.Link{Href: link}, Id: link,
		Description: latex.Text(firstSentences(p.Summary)), Content: content, Created: created.UTC(),
		Updated: created.UTC()}
	if len(authors) > 0 {
		it.Author = &feeds.Author{Name: p.AuthorLine(3)}
	}
	return it
}

// firstSentences shortens an abstract to about 300 characters at a word
// boundary, for feed summaries.
func firstSentences(s string) string {
	s = model.NormalizeSpace(s)
	if len(s) <= 300 {
		return s
	}
	cut := strings.LastIndexByte(s[:300], ' ')
	for cut < 0 || !utf8.RuneStart(s[cut]) {
		cut = max(cut, 300) - 1 // no space: back off to a rune boundary
	}
	return s[:cut] + " …"
}
