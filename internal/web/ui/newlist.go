package ui

import (
	"net/http"
	"time"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
)

// newData is the view of one arXiv listing day.
type newData struct {
	Day, Prev, Next model.Date
	Category        string // the ?category= or /c/{category} filter, "" for all followed
	Base            string // the page's path without the day: /papers/new or /c/cs.LG
	New, Cross      []cardView
	Replaced        []cardView
	Tabs            []tab
	ArxivOrder      bool
	NextAnnounce    time.Time
	Holiday         bool
	Hide            *hideView
}

func (h *Handler) newRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /papers/new", h.newList)
	handle("GET /papers/new/{day}", h.newList)
	handle("GET /c/{category}", h.newList)
	handle("GET /c/{category}/{day}", h.newList)
}

// newList serves arXiv's new papers of a listing day for the followed
// categories, or for one (?category=, /c/{category}).
func (h *Handler) newList(w http.ResponseWriter, r *http.Request) {
	var day model.Date
	if s := r.PathValue("day"); s != "" {
		d, err := model.ParseDate(s)
		if err != nil {
			h.fail(w, r, model.Errorf(model.ENOTFOUND, "%s", model.ErrorMessage(err)))
			return
		}
		day = d
	}
	cat, base := r.URL.Query().Get("category"), "/papers/new"
	if c := r.PathValue("category"); c != "" {
		cat, base = c, "/c/"+c
	}
	cats := h.Categories
	if cat != "" {
		parsed, err := core.ParseCategories(cat)
		if err != nil || len(parsed) != 1 {
			h.fail(w, r, model.Errorf(model.EINVALID, "%q is not an arXiv category or archive", cat))
			return
		}
		cats = parsed
	}
	l, err := h.Papers.NewListing(r.Context(), core.ListingQuery{Day: day, Categories: cats, SortArxiv: r.URL.Query().Get("sort") == "arxiv", Brief: true})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &newData{Day: l.Day, Prev: l.Prev, Next: l.Next, Category: cat, Base: base, ArxivOrder: r.URL.Query().Get("sort") == "arxiv",
		Hide: hiding(r, nil)}
	if d.New, err = h.cards(r, l.New); err == nil {
		if d.Cross, err = h.cards(r, l.Cross); err == nil {
			d.Replaced, err = h.cards(r, l.Replaced)
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.New, d.Cross, d.Replaced = d.Hide.keep(d.New), d.Hide.keep(d.Cross), d.Hide.keep(d.Replaced)
	if len(l.New)+len(l.Cross)+len(l.Replaced) == 0 {
		d.NextAnnounce = arxiv.NextAnnouncement(time.Now())
		d.Holiday = !day.IsZero() && !arxiv.IsListingDay(day)
	}
	d.Tabs = append(d.Tabs, tab{Label: "All followed", Href: "/papers/new", Current: cat == ""})
	for _, c := range h.Categories {
		d.Tabs = append(d.Tabs, tab{Label: c, Href: "/c/" + c, Current: c == cat})
	}
	title := "New on arXiv"
	if cat != "" {
		title += ": " + cat
	}
	if !l.Day.IsZero() {
		title += ", " + model.DayPeriod(l.Day).Label()
	}
	h.render(w, r, "new", page{Title: title, Nav: "new", Feeds: newFeeds(cat), Data: d})
}

func newFeeds(cat string) []feedLink {
	q := ""
	if cat != "" {
		q = "?category=" + queryEscape(cat)
	}
	return []feedLink{
		{"application/rss+xml", "New on arXiv (RSS)", "/feed/new.rss" + q},
		{"application/atom+xml", "New on arXiv (Atom)", "/feed/new.atom" + q},
		{"application/feed+json", "New on arXiv (JSON Feed)", "/feed/new.json" + q},
	}
}
