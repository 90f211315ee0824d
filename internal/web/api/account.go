package api

import (
	"io"
	"net/http"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
)

// AccountRoutes registers the account archive and follows.
func (h *Handler) AccountRoutes(handle func(pattern string, fn http.HandlerFunc)) {
	handle("GET /api/export", h.export)
	handle("POST /api/import", h.importArchive)
	handle("GET /api/follows", h.follows)
	handle("GET /api/recommendations", h.recommendations)
	handle("GET /api/recommendations/settings", h.forYouPrefs)
	handle("PUT /api/recommendations/settings", h.setForYouPrefs)
	handle("POST /api/follows", h.follow(true))
	handle("DELETE /api/follows", h.follow(false))
}

func (h *Handler) export(w http.ResponseWriter, r *http.Request) {
	a := auth.Account(r)
	ar, err := h.Library.Export(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="quire-`+a.Name+`-`+time.Now().UTC().Format("2006-01-02")+`.json"`)
	response.JSON(w, http.StatusOK, ar)
}

func (h *Handler) importArchive(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		h.fail(w, r, model.Errorf(model.EINVALID, "could not read the archive: %v", err))
		return
	}
	rep, err := h.Library.ImportArchive(r.Context(), a, body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusOK, rep)
}

func (h *Handler) follows(w http.ResponseWriter, r *http.Request) {
	fs, err := h.Library.Follows(r.Context(), auth.Account(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusOK, fs)
}

// follow takes {"kind": "org"|"user"|"author", "target": "…"}.
func (h *Handler) follow(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := h.act(w, r, "library")
		if a == nil {
			return
		}
		var body struct{ Kind, Target string }
		if err := decode(r, &body); err != nil {
			h.fail(w, r, err)
			return
		}
		var err error
		if on {
			err = h.Library.Follow(r.Context(), a, body.Kind, body.Target)
		} else {
			err = h.Library.Unfollow(r.Context(), a, body.Kind, body.Target)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.follows(w, r)
	}
}
