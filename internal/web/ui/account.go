package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/web/auth"
)

// SessionTTL is how long a login lasts.
const SessionTTL = 30 * 24 * time.Hour

type formData struct {
	Error, Notice string
	Values        map[string]string
	Tokens        []*store.APIToken
	NewToken      string
	Subscription  *model.Subscription
	Searches      []*model.SavedSearch
	OIDC          string // the provider's name when sign-in with it is on
}

func (h *Handler) accountRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /signup", func(w http.ResponseWriter, r *http.Request) { h.form(w, r, "signup", "Sign up", &formData{}) })
	handle("POST /signup", h.signup)
	handle("GET /login", func(w http.ResponseWriter, r *http.Request) {
		h.form(w, r, "login", "Log in", &formData{Values: map[string]string{"next": LocalPath(r.URL.Query().Get("next"))}})
	})
	handle("POST /login", h.login)
	handle("POST /logout", h.logout)
	handle("GET /settings", h.settings)
	handle("POST /settings/password", h.changePassword)
	handle("POST /settings/tokens", h.createToken)
	handle("POST /settings/tokens/{id}/delete", h.deleteToken)
}

func (h *Handler) form(w http.ResponseWriter, r *http.Request, view, title string, d *formData) {
	if h.OIDC != nil {
		d.OIDC = h.OIDC.label()
	}
	status := http.StatusOK
	if d.Error != "" {
		status = http.StatusBadRequest
	}
	h.render(w, r, view, page{Title: title, Status: status, Data: d})
}

// limited answers 429 with Retry-After when action is over its rate for
// the client's address or for the account (when user is not empty).
func (h *Handler) limited(w http.ResponseWriter, r *http.Request, action, user string) bool {
	return h.over(w, r, action, auth.IPKey(r), "user:"+strings.ToLower(user))
}

// over takes one token of action from each key's bucket, answering 429
// when one is empty.
func (h *Handler) over(w http.ResponseWriter, r *http.Request, action string, keys ...string) bool {
	wait, err := h.Limiter.Allow(r.Context(), action, keys...)
	if err == nil {
		return false
	}
	auth.RetryAfter(w, wait)
	h.fail(w, r, err)
	return true
}

func (h *Handler) signup(w http.ResponseWriter, r *http.Request) {
	// The address first, before the body is even parsed; then the name, so
	// that one name cannot be raced for from many addresses.
	if h.limited(w, r, "signup", "") {
		return
	}
	name, email := r.PostFormValue("username"), r.PostFormValue("email")
	if h.over(w, r, "signup", "name:"+strings.ToLower(strings.TrimSpace(name))) {
		return
	}
	d := &formData{Values: map[string]string{"username": name, "email": email}}
	if _, err := h.Accounts.Signup(r.Context(), name, email, r.PostFormValue("password"), ""); err != nil {
		d.Error = model.ErrorMessage(err)
		h.form(w, r, "signup", "Sign up", d)
		return
	}
	token, err := h.Accounts.NewSession(r.Context(), name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	auth.SetSession(w, r, token, SessionTTL)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	if h.limited(w, r, "login", "") {
		return
	}
	login := r.PostFormValue("username")
	key := h.Accounts.LimitKey(r.Context(), login)
	if h.over(w, r, "login-pair", auth.IPKey(r)+"|"+key) || h.over(w, r, "login-account", key) {
		return
	}
	_, token, err := h.Accounts.Login(r.Context(), login, r.PostFormValue("password"))
	if err != nil {
		h.form(w, r, "login", "Log in", &formData{Error: model.ErrorMessage(err), Values: map[string]string{"username": login}})
		return
	}
	if old := auth.SessionToken(r); old != "" {
		_ = h.Accounts.Logout(r.Context(), old) // rotate: the pre-login session ends
	}
	auth.SetSession(w, r, token, SessionTTL)
	http.Redirect(w, r, LocalPath(r.PostFormValue("next")), http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if t := auth.SessionToken(r); t != "" {
		_ = h.Accounts.Logout(r.Context(), t)
	}
	auth.ClearSession(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// needSession is needLogin for managing the account itself (password,
// tokens): an API token may not do it.
func (h *Handler) needSession(w http.ResponseWriter, r *http.Request) *model.Account {
	a := h.needLogin(w, r)
	if a == nil {
		return nil
	}
	if err := core.CanManageAccount(a, auth.BySession(r)); err != nil {
		h.fail(w, r, err)
		return nil
	}
	return a
}

// needLogin redirects anonymous visitors to the login page.
func (h *Handler) needLogin(w http.ResponseWriter, r *http.Request) *model.Account {
	a := auth.Account(r)
	if a == nil {
		http.Redirect(w, r, "/login?next="+queryEscape(r.URL.Path), http.StatusSeeOther)
	}
	return a
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	h.renderSettings(w, r, a, &formData{})
}

func (h *Handler) renderSettings(w http.ResponseWriter, r *http.Request, a *model.Account, d *formData) {
	toks, err := h.Papers.Store.ListAPITokens(r.Context(), a.Name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Tokens = toks
	if d.Searches, err = h.Papers.Store.FindSavedSearches(r.Context(), a.Name); err != nil {
		h.fail(w, r, err)
		return
	}
	sub, err := h.Papers.Store.FindSubscriptionByEmail(r.Context(), a.Email)
	switch {
	case err == nil:
		d.Subscription = sub
	case model.ErrorCode(err) != model.ENOTFOUND:
		h.fail(w, r, err)
		return
	}
	h.form(w, r, "settings", "Settings", d)
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	a := h.needSession(w, r)
	if a == nil || h.limited(w, r, "login", a.Name) {
		return
	}
	token, err := h.Accounts.ChangePassword(r.Context(), a, r.PostFormValue("current"), r.PostFormValue("new"))
	if err != nil {
		h.renderSettings(w, r, a, &formData{Error: model.ErrorMessage(err)})
		return
	}
	auth.SetSession(w, r, token, SessionTTL)
	h.renderSettings(w, r, a, &formData{Notice: "Password changed. Other sessions were logged out."})
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) {
	a := h.needSession(w, r)
	if a == nil {
		return
	}
	token, err := h.Accounts.CreateToken(r.Context(), a.Name, r.PostFormValue("name"))
	if err != nil {
		h.renderSettings(w, r, a, &formData{Error: model.ErrorMessage(err)})
		return
	}
	h.renderSettings(w, r, a, &formData{NewToken: token, Notice: "Copy the token now: it is not shown again."})
}

func (h *Handler) deleteToken(w http.ResponseWriter, r *http.Request) {
	a := h.needSession(w, r)
	if a == nil {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.Papers.Store.DeleteAPIToken(r.Context(), a.Name, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}
