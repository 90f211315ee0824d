package ui

import (
	"cmp"
	"html/template"
	"net/http"
	"strings"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/latex"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/web/api"
)

func (h *Handler) paper(w http.ResponseWriter, r *http.Request) {
	id, format := splitCite(r.PathValue("id"))
	id, md := wantsMarkdown(r, id)
	p, err := h.Papers.Paper(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if md {
		h.writeMarkdown(w, r, p)
		return
	}
	if format != nil {
		h.writeCitations(w, r, []*model.Paper{p}, format, p.ID)
		return
	}
	w.Header().Add("Vary", "Accept") // the same URL answers Markdown to who asks for it
	d, err := h.paperView(r, p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "paper", page{Title: p.Title, Meta: highwire(p), Description: describe(latex.Text(p.Summary)), Data: d})
}

// SearchLimit is how many results the search page shows.
const SearchLimit = 50

type searchData struct {
	Query string
	// Corrected is the query searched instead of a misspelled one.
	Corrected string
	Papers    []cardView
	Snippets  map[string]template.HTML
	Message   string
	Filters   core.SearchQuery
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := &searchData{Query: q}
	p := page{Title: "Search", Query: q, Nav: "search", Data: d}
	if q != "" {
		p.Title = "Search: " + q
		p.Description = "Papers matching “" + q + "” on " + h.SiteName + ", ranked by meaning and words."
		p.Feeds = []feedLink{
			{"application/rss+xml", "Search “" + q + "” (RSS)", "/feed/search.rss?q=" + queryEscape(q)},
			{"application/atom+xml", "Search “" + q + "” (Atom)", "/feed/search.atom?q=" + queryEscape(q)},
			{"application/feed+json", "Search “" + q + "” (JSON Feed)", "/feed/search.json?q=" + queryEscape(q)},
		}
	}
	sq, err := api.ParseSearchQuery(r.URL.Query(), SearchLimit)
	d.Filters = sq
	var papers []*model.Paper
	if err == nil {
		var res core.SearchResult
		res, err = h.Papers.FindCorrected(r.Context(), sq)
		papers, d.Corrected = res.Papers, res.Corrected
	}
	switch {
	case model.ErrorCode(err) == model.EINVALID:
		d.Message = model.ErrorMessage(err)
		p.Status = http.StatusBadRequest
	case err != nil:
		h.fail(w, r, err)
		return
	}
	if d.Papers, err = h.cards(r, papers); err != nil {
		h.fail(w, r, err)
		return
	}
	d.Snippets = map[string]template.HTML{}
	for _, p := range papers {
		d.Snippets[p.ID] = template.HTML(search.Snippet(p.Summary, cmp.Or(d.Corrected, q), 40)) // Snippet escapes the text
	}
	h.render(w, r, "search", p)
}

type orgData struct {
	Org    *model.Organization
	Papers []cardView
}

func (h *Handler) org(w http.ResponseWriter, r *http.Request) {
	o, err := h.Papers.Store.FindOrganizationByName(r.Context(), r.PathValue("name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	papers, err := h.Papers.Store.FindPapers(r.Context(), store.PaperFilter{Organization: o.Name, Sort: store.SortSubmitted, Limit: 200})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := o.Fullname
	if title == "" {
		title = o.Name
	}
	cards, err := h.cards(r, papers)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "org", page{Title: title, Nav: "orgs", Data: &orgData{Org: o, Papers: cards}})
}

func (h *Handler) orgs(w http.ResponseWriter, r *http.Request) {
	all, err := h.Papers.Store.FindOrganizations(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "orgs", page{Title: "Organizations", Nav: "orgs", Data: all})
}
