// Package auth identifies who makes a request (a session cookie or a Bearer
// API token) and limits how often they may act.
package auth

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
)

// CookieName is the session cookie.
const CookieName = "quire_session"

type ctxKey struct{}

type identity struct {
	account *model.Account
	cookie  bool // authenticated by cookie (a browser), not by Bearer token
}

// Account returns the logged-in account of the request, or nil.
func Account(r *http.Request) *model.Account {
	if id, ok := r.Context().Value(ctxKey{}).(*identity); ok && id != nil {
		return id.account
	}
	return nil
}

// BySession reports whether the request's account comes from a browser
// session (cookie), not from an API token.
func BySession(r *http.Request) bool {
	id, ok := r.Context().Value(ctxKey{}).(*identity)
	return ok && id != nil && id.account != nil && id.cookie
}

// HasSessionCookie reports whether the request carries a session cookie, in
// which case its pages are personal and must not be cached.
func HasSessionCookie(r *http.Request) bool {
	c, err := r.Cookie(CookieName)
	return err == nil && c.Value != ""
}

// Middleware resolves the account of each request.
func Middleware(accounts *core.Accounts, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var id identity
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			if a, err := accounts.Authenticate(r.Context(), strings.TrimSpace(h[7:])); err == nil {
				id.account = a
			}
		} else if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
			if a, err := accounts.Authenticate(r.Context(), c.Value); err == nil {
				id.account, id.cookie = a, true
			}
		}
		if id.account == nil && r.Header.Get("Authorization") == "" && !HasSessionCookie(r) {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, &id)))
	})
}

// SetSession sets the session cookie: HttpOnly (no script reads it),
// SameSite=Lax (not sent on cross-site posts), Secure on HTTPS.
func SetSession(w http.ResponseWriter, r *http.Request, token string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: IsHTTPS(r), MaxAge: int(ttl.Seconds())})
}

// ClearSession removes the session cookie.
func ClearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// SessionToken returns the request's session cookie value.
func SessionToken(r *http.Request) string {
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

// WithoutAccount returns ctx with no logged-in account, for the page that
// follows a logout or an account's deletion.
func WithoutAccount(ctx context.Context) context.Context {
	return context.WithValue(ctx, ctxKey{}, (*identity)(nil))
}
