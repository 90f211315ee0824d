package ui

import (
	"net/http"
	"strings"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
)

// ListPageSize is how many papers a list page shows; a day rarely has more.
const ListPageSize = 100

// listData is the view model of a day, week or month.
type listData struct {
	Period     model.Period
	Papers     []cardView
	Prev, Next *model.Period // nearest periods that have papers
	Before     model.Date    // nearest days with papers, for empty periods
	After      model.Date
	Weekend    bool
	Tabs       []tab
	Trending   bool
	Formula    string
	Window     string
	Hide       *hideView // the viewer's "hide read/saved" switches; nil for visitors
}

// hideView is the state of a list's "hide read" and "hide saved" links.
type hideView struct {
	Read, Saved         bool
	ReadHref, SavedHref string // the list with that switch flipped
}

// keep drops the cards the switches hide, for lists that are not read
// through a ListQuery (arXiv's listing, search); nil keeps all.
func (v *hideView) keep(cards []cardView) []cardView {
	if v == nil || (!v.Read && !v.Saved) {
		return cards
	}
	out := cards[:0]
	for _, c := range cards {
		if !(v.Read && c.Read) && !(v.Saved && c.InAny) {
			out = append(out, c)
		}
	}
	return out
}

// hiding reads ?hide=read,saved for a logged-in viewer (into q, when the
// list is read through one).
func hiding(r *http.Request, q *core.ListQuery) *hideView {
	a := auth.Account(r)
	if a == nil {
		return nil
	}
	v := &hideView{}
	for _, h := range strings.Split(r.URL.Query().Get("hide"), ",") {
		switch h {
		case "read":
			v.Read = true
		case "saved":
			v.Saved = true
		}
	}
	if q != nil && v.Read {
		q.UnreadBy = a.Name
	}
	if q != nil && v.Saved {
		q.UnsavedBy = a.Name
	}
	link := func(read, saved bool) string {
		u := *r.URL
		qs := u.Query()
		var hide []string
		if read {
			hide = append(hide, "read")
		}
		if saved {
			hide = append(hide, "saved")
		}
		qs.Del("hide")
		if len(hide) > 0 {
			qs.Set("hide", strings.Join(hide, ","))
		}
		u.RawQuery = qs.Encode()
		return u.RequestURI()
	}
	v.ReadHref, v.SavedHref = link(!v.Read, v.Saved), link(v.Read, !v.Saved)
	return v
}

type tab struct {
	Label, Href string
	Current     bool
}

// home is the front page: the latest curated Daily list when its day is
// at least as recent as arXiv's latest listing of the followed categories,
// else that listing, so a live instance's front page is never stale or
// empty (--home daily|new fixes one).
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	latest, err := h.Papers.Store.LatestDailyDay(ctx)
	if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
		h.fail(w, r, err)
		return
	}
	if h.Home != "daily" {
		listed, lerr := h.Papers.Store.LatestListingDay(ctx, h.Categories)
		if lerr != nil && model.ErrorCode(lerr) != model.ENOTFOUND {
			h.fail(w, r, lerr)
			return
		}
		if h.Home == "new" || (lerr == nil && (err != nil || latest.Before(listed))) {
			h.newList(w, r)
			return
		}
	}
	if err != nil {
		h.render(w, r, "list", page{Title: "Daily Papers", Nav: "daily", Feeds: dailyFeeds(), Data: &listData{}})
		return
	}
	h.list(w, r, model.DayPeriod(latest))
}

// papers is /papers: the search page with ?q=, else the latest day.
func (h *Handler) papers(w http.ResponseWriter, r *http.Request) {
	if _, ok := r.URL.Query()["q"]; ok {
		h.search(w, r)
		return
	}
	h.home(w, r)
}

func (h *Handler) period(kind model.PeriodKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := model.ParsePeriod(kind, r.PathValue("key"))
		if err != nil {
			h.fail(w, r, model.Errorf(model.ENOTFOUND, "%s", model.ErrorMessage(err)))
			return
		}
		h.list(w, r, p)
	}
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request, p model.Period) {
	ctx := r.Context()
	q := core.ListQuery{Period: &p, Limit: ListPageSize}
	hide := hiding(r, &q)
	papers, _, err := h.Papers.List(ctx, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cards, err := h.cards(r, papers)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &listData{Period: p, Papers: cards, Tabs: tabs(p), Hide: hide}
	before, _, err := h.Papers.Store.DailyDays(ctx, p.Start)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	_, after, err := h.Papers.Store.DailyDays(ctx, p.End.AddDays(-1))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Before, d.After = before, after
	if !before.IsZero() {
		prev := model.PeriodOf(p.Kind, before)
		d.Prev = &prev
	}
	if !after.IsZero() {
		next := model.PeriodOf(p.Kind, after)
		d.Next = &next
	}
	wd := p.Start.Weekday()
	d.Weekend = p.Kind == model.Day && (wd == time.Saturday || wd == time.Sunday)
	h.render(w, r, "list", page{Title: "Daily Papers: " + p.Label(), Nav: string(p.Kind), Feeds: dailyFeeds(), Data: d})
}

// tabs links the day, week and month that contain the period's first day.
func tabs(p model.Period) []tab {
	var out []tab
	for _, k := range []struct {
		kind  model.PeriodKind
		label string
	}{{model.Day, "Daily"}, {model.Week, "Weekly"}, {model.Month, "Monthly"}} {
		q := model.PeriodOf(k.kind, p.Start)
		out = append(out, tab{Label: k.label, Href: periodURL(q), Current: k.kind == p.Kind})
	}
	return out
}

func (h *Handler) trending(w http.ResponseWriter, r *http.Request) {
	window := r.URL.Query().Get("window")
	if core.TrendingWindows[window] == 0 {
		window = "week"
	}
	q := core.ListQuery{Sort: core.SortTrending, Window: window, Limit: 50}
	hide := hiding(r, &q)
	papers, _, err := h.Papers.List(r.Context(), q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cards, err := h.cards(r, papers)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "list", page{Title: "Trending Papers", Nav: "trending", Feeds: dailyFeeds(),
		Data: &listData{Papers: cards, Trending: true, Formula: core.TrendingFormula, Window: window, Hide: hide,
			Tabs: []tab{{"Day", "/papers/trending?window=day", window == "day"}, {"Week", "/papers/trending?window=week", window == "week"},
				{"Month", "/papers/trending?window=month", window == "month"}}}})
}
