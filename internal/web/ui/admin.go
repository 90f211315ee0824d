package ui

import (
	"crypto/subtle"
	"net/http"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/scheduler"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/web/auth"
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

// AdminRoutes registers the admin page. It is the admin role's: an admin
// logged in with a session sees it. token, when set, is a break-glass
// password (HTTP Basic) for when no admin can log in; its attempts are
// rate limited per address, and Validate demands 32 characters. Its form is
// guarded by cross-origin protection too, since browsers resend Basic
// credentials on their own.
func (h *Handler) AdminRoutes(handle func(pattern string, fn http.HandlerFunc), token string, jobs Jobs, sets []string, limiter *auth.Limiter) {
	guard := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			if a := auth.Account(r); a != nil && a.IsAdmin() && auth.BySession(r) {
				next(w, r)
				return
			}
			_, pass, ok := r.BasicAuth()
			if token == "" || !ok {
				if auth.Account(r) != nil {
					h.fail(w, r, model.Errorf(model.EFORBIDDEN, "only administrators can open the admin page"))
					return
				}
				http.Redirect(w, r, "/login?next=/admin", http.StatusSeeOther)
				return
			}
			if h.over(w, r, "admin", auth.IPKey(r)) {
				return
			}
			if subtle.ConstantTimeCompare([]byte(pass), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="quire admin", charset="UTF-8"`)
				http.Error(w, "authentication required", http.StatusUnauthorized)
				return
			}
			next(w, r)
		}
	}
	cop := http.NewCrossOriginProtection()
	handle("GET /admin", guard(func(w http.ResponseWriter, r *http.Request) {
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
	handle("POST /admin/harvest", guard(func(w http.ResponseWriter, r *http.Request) {
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
