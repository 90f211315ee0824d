package ui

import (
	"crypto/subtle"
	"net/http"

	"github.com/quire/quire/internal/scheduler"
	"github.com/quire/quire/internal/store"
)

// Jobs is what the admin page needs of the scheduler.
type Jobs interface {
	Trigger(name string) bool
	Statuses() []scheduler.Status
}

// HarvestJob is the name of the scheduled arXiv harvest.
const HarvestJob = "arxiv-harvest"

type adminData struct {
	Jobs []scheduler.Status
	Runs []*store.IngestRun
	Sets []string
}

// AdminRoutes registers the admin page when a token is configured. Until
// accounts exist (they come with the community features), the page is
// protected by HTTP Basic authentication with that token as the password,
// and its form by cross-origin protection, since browsers resend Basic
// credentials on their own.
func (h *Handler) AdminRoutes(handle func(pattern string, fn http.HandlerFunc), token string, jobs Jobs, sets []string) {
	if token == "" {
		return
	}
	auth := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_, pass, ok := r.BasicAuth()
			if !ok || subtle.ConstantTimeCompare([]byte(pass), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="quire admin", charset="UTF-8"`)
				http.Error(w, "authentication required", http.StatusUnauthorized)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			next(w, r)
		}
	}
	cop := http.NewCrossOriginProtection()
	handle("GET /admin", auth(func(w http.ResponseWriter, r *http.Request) {
		runs, err := h.Papers.Store.RecentIngestRuns(r.Context(), 30)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		var statuses []scheduler.Status
		if jobs != nil {
			statuses = jobs.Statuses()
		}
		h.render(w, r, "admin", page{Title: "Admin", Data: &adminData{Jobs: statuses, Runs: runs, Sets: sets}})
	}))
	handle("POST /admin/harvest", auth(func(w http.ResponseWriter, r *http.Request) {
		if err := cop.Check(r); err != nil {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		if jobs == nil || !jobs.Trigger(HarvestJob) {
			http.Error(w, "no arXiv sets are configured (--arxiv-sets)", http.StatusConflict)
			return
		}
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
	}))
}
