package api

import (
	"io"
	"net/http"
	"net/url"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
)

// LibraryRoutes registers the collections API and the reading state of
// papers. All of it is per user, so none of it is cached.
func (h *Handler) LibraryRoutes(handle func(pattern string, fn http.HandlerFunc)) {
	handle("GET /api/collections", h.collections)
	handle("POST /api/collections", h.createCollection)
	handle("GET /api/collections/{slug}", h.collection)
	handle("PATCH /api/collections/{slug}", h.updateCollection)
	handle("DELETE /api/collections/{slug}", h.deleteCollection)
	handle("POST /api/collections/{slug}/items", h.addItems)
	handle("DELETE /api/collections/{slug}/items/{id...}", h.removeItem)
	handle("POST /api/collections/{slug}/import", h.importFile)
	handle("PUT /api/collections/{slug}/not-interested/{id...}", h.notInterested(true))
	handle("DELETE /api/collections/{slug}/not-interested/{id...}", h.notInterested(false))
	handle("POST /api/collections/{slug}/reset", h.resetInterest)
	handle("PUT /api/papers/{id}/read", h.markRead(true))
	handle("DELETE /api/papers/{id}/read", h.markRead(false))
	handle("PUT /api/papers/{id}/note", h.setNote)
}

// Collection is a collection in the API.
type Collection struct {
	Slug        string          `json:"slug"`
	Owner       string          `json:"owner"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Private     bool            `json:"private"`
	Order       string          `json:"order"`
	Interest    bool            `json:"interest"`
	Keywords    string          `json:"keywords"` // an interest's cold start
	Count       int             `json:"count"`
	CreatedAt   *Timestamp      `json:"createdAt,omitempty"`
	UpdatedAt   *Timestamp      `json:"updatedAt,omitempty"`
	URL         string          `json:"url"`
	Feeds       *CollectionFeed `json:"feeds,omitempty"` // the owner's secret URLs of a private collection
	Items       []Item          `json:"items,omitempty"`
}

// CollectionFeed are a collection's feed paths.
type CollectionFeed struct {
	RSS  string `json:"rss"`
	Atom string `json:"atom"`
	JSON string `json:"json"`
}

// Item is a paper in a collection.
type Item struct {
	Paper   Paper      `json:"paper"`
	AddedAt *Timestamp `json:"addedAt,omitempty"`
	Note    string     `json:"note"`
}

// NewCollection converts a collection; viewer decides whether its secret
// feed URLs are shown.
func NewCollection(c *model.Collection, viewer *model.Account) Collection {
	out := Collection{Slug: c.Slug, Owner: c.Owner, Name: c.Name, Description: c.Description, Private: c.Private,
		Order: c.Order, Interest: c.Interest, Keywords: c.Keywords, Count: c.Count, CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt),
		URL: "/u/" + url.PathEscape(c.Owner) + "/c/" + url.PathEscape(c.Slug)}
	if viewer != nil && viewer.Name == c.Owner {
		base := "/feed/c/" + c.FeedSecret
		out.Feeds = &CollectionFeed{RSS: base + ".rss", Atom: base + ".atom", JSON: base + ".json"}
	}
	return out
}

// Items per page of GET /api/collections/{slug}.
const (
	DefaultItems = 1_000
	MaxItems     = 10_000
)

// owner is whose collections a GET reads: ?user= for someone's public
// ones, or the caller's own.
func (h *Handler) owner(w http.ResponseWriter, r *http.Request) (string, bool) {
	if u := r.URL.Query().Get("user"); u != "" {
		return u, true
	}
	a := auth.Account(r)
	if a == nil {
		h.fail(w, r, model.Errorf(model.EUNAUTH, "log in or send an API token (Authorization: Bearer …), or ask for ?user=NAME's public collections"))
		return "", false
	}
	return a.Name, true
}

func (h *Handler) collections(w http.ResponseWriter, r *http.Request) {
	owner, ok := h.owner(w, r)
	if !ok {
		return
	}
	viewer := auth.Account(r)
	cs, err := h.Library.Collections(r.Context(), viewer, owner)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]Collection, len(cs))
	for i, c := range cs {
		out[i] = NewCollection(c, viewer)
	}
	response.JSON(w, http.StatusOK, out)
}

func (h *Handler) collection(w http.ResponseWriter, r *http.Request) {
	owner, ok := h.owner(w, r)
	if !ok {
		return
	}
	viewer := auth.Account(r)
	limit, err := intParam(r.URL.Query(), "limit", DefaultItems, 1, MaxItems)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page, err := intParam(r.URL.Query(), "p", 0, 0, 1_000_000)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.Library.Collection(r.Context(), viewer, owner, r.PathValue("slug"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	its, err := h.Library.Items(r.Context(), c, page*limit, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := NewCollection(c, viewer)
	out.Items = make([]Item, len(its))
	for i, it := range its {
		out.Items[i] = Item{Paper: NewPaper(it.Paper), AddedAt: ts(it.AddedAt), Note: it.Note}
	}
	response.JSON(w, http.StatusOK, out)
}

// collectionBody is the JSON of POST and PATCH; absent fields stay.
type collectionBody struct {
	Name          *string `json:"name"`
	Description   *string `json:"description"`
	Private       *bool   `json:"private"`
	Order         *string `json:"order"`
	Interest      *bool   `json:"interest"`
	Keywords      *string `json:"keywords"`
	NewFeedSecret bool    `json:"newFeedSecret"`
}

func (b collectionBody) input() core.CollectionInput {
	return core.CollectionInput{Name: b.Name, Description: b.Description, Private: b.Private, Order: b.Order, Interest: b.Interest, Keywords: b.Keywords,
		NewFeedSecret: b.NewFeedSecret}
}

func (h *Handler) createCollection(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	var body collectionBody
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.Library.CreateCollection(r.Context(), a, body.input())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/collections/"+url.PathEscape(c.Slug))
	response.JSON(w, http.StatusCreated, NewCollection(c, a))
}

func (h *Handler) updateCollection(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	var body collectionBody
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.Library.UpdateCollection(r.Context(), a, r.PathValue("slug"), body.input())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusOK, NewCollection(c, a))
}

func (h *Handler) deleteCollection(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	if err := h.Library.DeleteCollection(r.Context(), a, r.PathValue("slug")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) addItems(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	var body struct {
		IDs  []string `json:"ids"`
		Note string   `json:"note"`
	}
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.Library.Add(r.Context(), a, r.PathValue("slug"), body.IDs, body.Note)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusOK, map[string]int{"added": n})
}

func (h *Handler) removeItem(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	if err := h.Library.Remove(r.Context(), a, r.PathValue("slug"), r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) markRead(read bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := h.act(w, r, "library")
		if a == nil {
			return
		}
		if err := h.Library.MarkRead(r.Context(), a, r.PathValue("id"), read); err != nil {
			h.fail(w, r, err)
			return
		}
		response.JSON(w, http.StatusOK, map[string]bool{"read": read})
	}
}

func (h *Handler) setNote(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	var body struct {
		Note string `json:"note"`
	}
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Library.SetNote(r.Context(), a, r.PathValue("id"), body.Note); err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusOK, map[string]string{"note": body.Note})
}

// importFile takes a bibliography as the request body; ?format= names it
// (bibtex, ris, csl or ids) when detection is not wanted.
func (h *Handler) importFile(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		h.fail(w, r, model.Errorf(model.EINVALID, "could not read the file: %v", err))
		return
	}
	rep, err := h.Library.Import(r.Context(), a, r.PathValue("slug"), r.URL.Query().Get("format"), body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusOK, rep)
}

func (h *Handler) notInterested(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := h.act(w, r, "library")
		if a == nil {
			return
		}
		if err := h.Library.NotInterested(r.Context(), a, r.PathValue("slug"), r.PathValue("id"), on); err != nil {
			h.fail(w, r, err)
			return
		}
		response.JSON(w, http.StatusOK, map[string]bool{"notInterested": on})
	}
}
