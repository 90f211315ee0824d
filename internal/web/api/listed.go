package api

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/web/response"
)

// listed is GET /api/papers: arXiv papers, newest listing day first, as
// Hugging Face's endpoint of that name pages them (cursor, limit 1–100, a
// Link rel="next" header), with date= and category= filters added.
func (h *Handler) listed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lq := core.ListedQuery{}
	var err error
	if lq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	if d := q.Get("date"); d != "" {
		if lq.Day, err = model.ParseDate(d); err != nil {
			response.JSONError(w, r, h.Log, err)
			return
		}
	}
	if c := q.Get("category"); c != "" {
		if lq.Categories, err = core.ParseCategories(c); err != nil {
			response.JSONError(w, r, h.Log, err)
			return
		}
	}
	if c := q.Get("cursor"); c != "" {
		if lq.After, err = decodeCursor(c); err != nil {
			response.JSONError(w, r, h.Log, err)
			return
		}
	}
	papers, next, err := h.Papers.Listed(r.Context(), lq)
	if err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	items := make([]Paper, len(papers))
	for i, p := range papers {
		items[i] = NewPaper(p)
	}
	if next != nil {
		nq := r.URL.Query()
		nq.Set("cursor", encodeCursor(next))
		w.Header().Set("Link", `<`+r.URL.Path+"?"+nq.Encode()+`>; rel="next"`)
	}
	response.JSON(w, http.StatusOK, items)
}

// A cursor is opaque to clients: the last paper's listing day and id.
func encodeCursor(k *store.ListingKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(k.Day.String() + "|" + k.ID))
}

func decodeCursor(s string) (*store.ListingKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	day, id, ok := strings.Cut(string(b), "|")
	d, derr := model.ParseDate(day)
	if err != nil || !ok || derr != nil || len(id) > 64 {
		return nil, model.Errorf(model.EINVALID, "invalid cursor: use the one in the Link header")
	}
	return &store.ListingKey{Day: d, ID: id}, nil
}
