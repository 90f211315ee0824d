// Package feed serves every paper list as RSS 2.0, Atom and JSON Feed 1.1.
// Abstracts go in as HTML with their math as MathML, its TeX in alttext:
// readers built on browser engines display the MathML, text readers
// (newsboat) the TeX once, not a symbol with its source beside it.
package feed

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
		h.write(w, r, ext, &doc{Title: h.SiteName + ": Daily Papers", Home: "/", ID: "daily",
			Description: "The latest papers on " + h.SiteName + "'s daily list, ranked by the community."}, papers)
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
		d := &doc{Title: h.SiteName + ": new on arXiv", Home: "/papers/new", ID: "new",
			Description: "arXiv's latest announcement, ranked by the community's upvotes."}
		if cat != "" {
			d.Title, d.Home, d.ID = d.Title+" in "+cat, "/c/"+urlPath(cat), "new/"+urlPath(cat)
		}
		h.write(w, r, ext, d, append(l.New, l.Cross...))
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
		h.write(w, r, ext, &doc{Title: h.SiteName + ": search for “" + q + "”", Home: "/papers?q=" + urlQuery(q),
			Description: "Papers matching “" + q + "”", ID: "search?q=" + urlQuery(q)}, papers)
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
	w.Header().Set("X-Robots-Tag", "noindex")
	h.write(w, r, ext, &doc{Title: h.SiteName + ": saved search “" + s.Query + "”", Home: "/papers?q=" + urlQuery(s.Query),
		Description: "Papers matching “" + s.Query + "”", ID: "saved/" + strconv.FormatInt(s.ID, 10)}, papers)
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
	if c.Private {
		w.Header().Set("X-Robots-Tag", "noindex")
	}
	page := "/u/" + urlPath(c.Owner) + "/c/" + urlPath(c.Slug)
	h.write(w, r, ext, &doc{Title: h.SiteName + ": " + c.Name, Home: page, ID: page[1:],
		Description: "Papers " + c.Owner + " adds to " + c.Name}, papers)
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
	w.Header().Set("X-Robots-Tag", "noindex")
	h.write(w, r, ext, &doc{Title: h.SiteName + ": followed by " + user, Home: "/following", ID: "following/" + urlPath(user),
		Description: "New papers of the authors, organizations and users " + user + " follows."}, papers)
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
	w.Header().Set("X-Robots-Tag", "noindex")
	h.write(w, r, ext, &doc{Title: h.SiteName + ": for " + sec.Interest.Name, Home: "/for-you",
		ID:          "for-you/" + urlPath(sec.Interest.Owner) + "/" + urlPath(sec.Interest.Slug),
		Description: "New papers ranked for the interest " + sec.Interest.Name}, papers)
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

// write completes d with the papers and answers in format ext. Ids are tag
// URIs of the instance's host and the feed's key, an entry's the feed's
// with the paper id as fragment: a reader that follows two feeds of one
// instance keeps a paper in each (they keep items by id), while the entry's
// link stays the paper page.
//
// Last-Modified is the latest change of any paper in the feed (a vote, a
// comment, a new version all stamp it), so If-Modified-Since answers 304
// only when nothing shown changed. A paper that left the feed (hidden, or
// pushed out by newer ones) stamps no paper that stays: the ETag, which
// covers the bytes, tells such a feed apart, and clients send it first.
func (h *Handler) write(w http.ResponseWriter, r *http.Request, ext string, d *doc, papers []*model.Paper) {
	base := h.base(r)
	tag := "tag:" + hostOnly(base) + ",2025:"
	d.ID, d.Home, d.Self, d.Author = tag+d.ID, base+d.Home, base+r.URL.RequestURI(), h.SiteName
	var modified time.Time
	for _, p := range papers {
		e := item(p, base)
		e.ID = d.ID + "#" + p.ID
		d.Entries = append(d.Entries, e)
		// The feed's date is its newest entry's, so that identical content
		// gives identical bytes (and ETags).
		if e.Updated.After(d.Updated) {
			d.Updated = e.Updated
		}
		modified = latest(modified, p.UpdatedAt, e.Updated)
	}
	if !modified.IsZero() {
		w.Header().Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
		if response.NotModified(w, r) {
			return
		}
	}
	cleanDoc(d)
	var body []byte
	var err error
	switch ext {
	case "rss":
		body, err = d.rss()
	case "atom":
		body, err = d.atom()
	default:
		body, err = d.json()
	}
	if err != nil {
		h.fail(w, r, fmt.Errorf("feed: encode %s: %w", ext, err))
		return
	}
	response.Bytes(w, http.StatusOK, Formats[ext], body)
}

// item is a paper as a feed entry: published is its first arXiv version,
// updated the day it entered the list (the daily list's submission, else
// the first version).
func item(p *model.Paper, base string) entry {
	var authors []string
	for _, a := range p.VisibleAuthors() {
		authors = append(authors, a.Name)
	}
	var meta []string
	if len(authors) > 0 {
		meta = append(meta, p.AuthorLine(3))
	}
	if p.Organization != nil {
		meta = append(meta, p.Organization.Fullname)
	}
	meta = append(meta, fmt.Sprintf("%d upvotes", p.Upvotes))
	content := "<p>" + htmlEscape(strings.Join(meta, " · ")) + "</p>" + latex.AltText(latex.Block(p.Summary).HTML) +
		`<p><a href="https://arxiv.org/abs/` + htmlEscape(p.ID) + `">arXiv</a>`
	if repo := model.WebURL(p.GithubRepo); repo != "" {
		content += ` · <a href="` + htmlEscape(repo) + `">code</a>`
	}
	content += "</p>"
	listed := p.PublishedAt
	if p.Daily != nil && !p.Daily.SubmittedAt.IsZero() {
		listed = p.Daily.SubmittedAt
	}
	return entry{Link: base + "/papers/" + p.ID, Title: latex.Text(p.Title), Summary: latex.Text(firstSentences(p.Summary)),
		Content: content, Authors: authors, Categories: p.Categories, Published: p.PublishedAt.UTC(),
		Updated: latest(listed, p.PublishedAt).UTC()}
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
