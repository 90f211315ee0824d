package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
)

func (h *Handler) accountDataRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /settings/export", func(w http.ResponseWriter, r *http.Request) {
		if h.needSession(w, r) != nil {
			http.Redirect(w, r, "/api/export", http.StatusSeeOther)
		}
	})
	handle("POST /settings/import", h.importArchive)
	handle("POST /settings/delete", h.deleteAccount)
}

// importArchive restores an uploaded account archive and reports what it did.
func (h *Handler) importArchive(w http.ResponseWriter, r *http.Request) {
	a := h.needSession(w, r)
	if a == nil || h.limited(w, r, "library", a.Name) {
		return
	}
	body, _, err := readUpload(r)
	if err != nil {
		h.renderSettings(w, r, a, &formData{Error: model.ErrorMessage(err)})
		return
	}
	rep, err := h.Library.ImportArchive(r.Context(), a, body)
	if model.ErrorCode(err) == model.EINVALID {
		h.renderSettings(w, r, a, &formData{Error: model.ErrorMessage(err)})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := fmt.Sprintf("Restored %d collections with %d papers (%d more on the way from arXiv), %d notes or reading marks, %d votes, %d saved searches, %d follows.",
		rep.Collections, rep.Items, rep.Fetching, rep.Papers, rep.Votes, rep.SavedSearches, rep.Follows)
	if len(rep.Skipped) > 0 {
		msg += " Not restored: " + strings.Join(rep.Skipped[:min(len(rep.Skipped), 10)], "; ")
		if len(rep.Skipped) > 10 {
			msg += fmt.Sprintf("; and %d more", len(rep.Skipped)-10)
		}
		msg += "."
	}
	h.renderSettings(w, r, a, &formData{Notice: msg})
}

// deleteAccount deletes the account, confirmed by its password, and ends
// the session.
func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request) {
	a := h.needSession(w, r)
	if a == nil || h.limited(w, r, "login", a.Name) {
		return
	}
	if err := h.Accounts.Delete(r.Context(), a, r.PostFormValue("password")); err != nil {
		if model.ErrorCode(err) == model.EINVALID {
			h.renderSettings(w, r, a, &formData{Error: model.ErrorMessage(err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	auth.ClearSession(w)
	h.render(w, r.WithContext(auth.WithoutAccount(r.Context())), "notice", page{Title: "Account deleted",
		Data: map[string]any{"Heading": "Your account is deleted", "Action": "", "Message": "Your collections, notes, follows, saved searches, subscription and sessions are gone and your votes are withdrawn. Your comments stay in their discussions, shown as by a deleted user."}})
}
