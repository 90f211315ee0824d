package ui

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/markdown"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
)

func (h *Handler) libraryRoutes(handle func(string, http.HandlerFunc)) {
	handle("POST /papers/{id}/save", h.post(h.save, paperPage))
	handle("POST /papers/{id}/read", h.post(h.markRead, paperPage))
	handle("POST /papers/{id}/note", h.post(h.note, paperPage))
	handle("GET /library", h.library)
	handle("POST /library", h.createCollection)
	handle("GET /u/{name}/c/{slug}", h.collection)
	handle("POST /u/{name}/c/{slug}/edit", h.post(h.editCollection, collectionPage))
	handle("POST /u/{name}/c/{slug}/import", h.importFile)
	handle("POST /u/{name}/c/{slug}/delete", h.post(h.deleteCollection, func(*http.Request) string { return "/library" }))
}

func collectionPage(r *http.Request) string {
	return collectionURL(r.PathValue("name"), r.PathValue("slug"))
}

func collectionURL(owner, slug string) string {
	return "/u/" + url.PathEscape(owner) + "/c/" + url.PathEscape(slug)
}

// save puts the paper into a collection (the Reading list unless the form
// names one), or takes it out with on=0.
func (h *Handler) save(r *http.Request, a *model.Account) error {
	slug := r.PostFormValue("collection")
	if slug == "" {
		slug = model.ReadingListSlug
	}
	if r.PostFormValue("on") == "0" {
		return h.Library.Remove(r.Context(), a, slug, r.PathValue("id"))
	}
	_, err := h.Library.Add(r.Context(), a, slug, []string{r.PathValue("id")}, "")
	return err
}

func (h *Handler) markRead(r *http.Request, a *model.Account) error {
	return h.Library.MarkRead(r.Context(), a, r.PathValue("id"), r.PostFormValue("on") != "0")
}

func (h *Handler) note(r *http.Request, a *model.Account) error {
	return h.Library.SetNote(r.Context(), a, r.PathValue("id"), r.PostFormValue("note"))
}

type libraryData struct {
	Owner       string
	Collections []*model.Collection
	Mine        bool
	Error       string
}

// library lists the viewer's collections with a form for a new one.
func (h *Handler) library(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	h.renderLibrary(w, r, a, "", http.StatusOK)
}

func (h *Handler) renderLibrary(w http.ResponseWriter, r *http.Request, a *model.Account, msg string, status int) {
	cs, err := h.Library.Collections(r.Context(), a, a.Name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "library", page{Title: "Your library", Nav: "library", Status: status,
		Data: &libraryData{Owner: a.Name, Collections: cs, Mine: true, Error: msg}})
}

func (h *Handler) createCollection(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil || h.limited(w, r, "library", a.Name) {
		return
	}
	name, desc, private := r.PostFormValue("name"), r.PostFormValue("description"), r.PostFormValue("public") != "1"
	c, err := h.Library.CreateCollection(r.Context(), a, core.CollectionInput{Name: &name, Description: &desc, Private: &private})
	if code := model.ErrorCode(err); code == model.EINVALID || code == model.ELIMIT {
		h.renderLibrary(w, r, a, model.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, collectionURL(c.Owner, c.Slug), http.StatusSeeOther)
}

func (h *Handler) editCollection(r *http.Request, a *model.Account) error {
	in := core.CollectionInput{NewFeedSecret: r.PostFormValue("new_feed") == "1"}
	if r.PostForm.Has("name") {
		name, desc, order, private := r.PostFormValue("name"), r.PostFormValue("description"), r.PostFormValue("order"), r.PostFormValue("public") != "1"
		interest, keywords := r.PostFormValue("interest") == "1", r.PostFormValue("keywords")
		in.Name, in.Description, in.Order, in.Private, in.Interest, in.Keywords = &name, &desc, &order, &private, &interest, &keywords
	}
	_, err := h.Library.UpdateCollection(r.Context(), a, r.PathValue("slug"), in)
	return err
}

func (h *Handler) deleteCollection(r *http.Request, a *model.Account) error {
	return h.Library.DeleteCollection(r.Context(), a, r.PathValue("slug"))
}

type collectionData struct {
	*model.Collection
	Mine     bool
	Cards    []cardView
	Notes    map[string]string // item notes by paper
	Orders   []string
	FeedBase string
	Pending  int // papers an import waits for
}

// CollectionPage is how many items a collection page shows.
const CollectionPage = 500

func (h *Handler) collection(w http.ResponseWriter, r *http.Request) {
	slug, format := splitCite(r.PathValue("slug"))
	a := auth.Account(r)
	c, err := h.Library.Collection(r.Context(), a, r.PathValue("name"), slug)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	limit := CollectionPage
	if format != nil {
		limit = core.MaxCollectionItems
	}
	its, err := h.Library.Items(r.Context(), c, 0, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ps := make([]*model.Paper, len(its))
	notes := map[string]string{}
	for i, it := range its {
		ps[i] = it.Paper
		if it.Note != "" {
			notes[it.PaperID] = it.Note
		}
	}
	if format != nil {
		h.writeCitations(w, r, ps, format, c.Slug)
		return
	}
	cards, err := h.cards(r, ps)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &collectionData{Collection: c, Mine: a != nil && a.Name == c.Owner, Cards: cards, Notes: notes,
		Orders: []string{model.OrderAdded, model.OrderRecent, model.OrderPublished}}
	if d.Mine {
		if d.Pending, err = h.Library.Pending(r.Context(), c); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	p := page{Title: c.Name, Nav: "library", Data: d}
	if !c.Private || d.Mine {
		d.FeedBase = "/feed/c/" + c.FeedSecret
		p.Feeds = []feedLink{
			{"application/rss+xml", c.Name + " (RSS)", d.FeedBase + ".rss"},
			{"application/atom+xml", c.Name + " (Atom)", d.FeedBase + ".atom"},
			{"application/feed+json", c.Name + " (JSON Feed)", d.FeedBase + ".json"},
		}
	}
	h.render(w, r, "collection", p)
}

// paperMarks is the viewer's own state of a paper page: where it is saved,
// whether it is read, their note.
type paperMarks struct {
	Collections []savedIn
	Read        bool
	Note        string
	NoteHTML    template.HTML
}

type savedIn struct {
	Slug, Name string
	Has        bool
}

func (h *Handler) paperMarks(r *http.Request, a *model.Account, p *model.Paper) (*paperMarks, error) {
	cs, err := h.Library.Collections(r.Context(), a, a.Name)
	if err != nil {
		return nil, err
	}
	m, err := h.Library.Marks(r.Context(), a, []*model.Paper{p})
	if err != nil {
		return nil, err
	}
	st := m.States[p.ID]
	out := &paperMarks{Read: st.Read, Note: st.Note}
	if st.Note != "" {
		out.NoteHTML = markdown.HTML(st.Note)
	}
	for _, c := range cs {
		out.Collections = append(out.Collections, savedIn{Slug: c.Slug, Name: c.Name, Has: slices.Contains(m.Saved[p.ID], c.Slug)})
	}
	return out, nil
}
