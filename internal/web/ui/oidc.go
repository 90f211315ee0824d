package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
)

// OIDC is sign-in with an OpenID Connect provider (an institution's login):
// the authorization code flow with PKCE, state and nonce, the ID token
// checked by go-oidc. The provider is discovered on the first sign-in, not
// at start, so quire starts while the provider is down.
type OIDC struct {
	Issuer, ClientID, ClientSecret string
	Name                           string // on the button: "Sign in with {Name}"
	RedirectURL                    string // BASE/login/oidc/callback

	mu       sync.Mutex
	provider *oidc.Provider
}

// flowCookie carries one sign-in's state, nonce, PKCE verifier and next
// page from the start to the callback: random values only this browser
// has, for ten minutes, on the callback's path.
const (
	flowCookie = "quire_oidc"
	flowPath   = "/login/oidc"
	flowTTL    = 10 * time.Minute
)

func (o *OIDC) setup(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(dctx, o.Issuer)
		if err != nil {
			return nil, nil, errors.Join(model.Errorf(model.EUNAVAILABLE, "%s cannot be reached; try again later", o.label()), err)
		}
		o.provider = p
	}
	return o.provider, &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Endpoint: o.provider.Endpoint(),
		RedirectURL: o.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

func (o *OIDC) label() string {
	if o.Name != "" {
		return o.Name
	}
	return "your institution"
}

func (h *Handler) oidcRoutes(handle func(string, http.HandlerFunc)) {
	if h.OIDC == nil {
		return
	}
	handle("GET /login/oidc", h.oidcStart)
	handle("GET /login/oidc/callback", h.oidcCallback)
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) {
	if h.limited(w, r, "login", "") {
		return
	}
	_, cfg, err := h.OIDC.setup(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	state, nonce, verifier := randomString(), randomString(), oauth2.GenerateVerifier()
	next := LocalPath(r.URL.Query().Get("next"))
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Value: strings.Join([]string{state, nonce, verifier, base64.RawURLEncoding.EncodeToString([]byte(next))}, "."),
		Path: flowPath, MaxAge: int(flowTTL.Seconds()), HttpOnly: true, Secure: auth.IsHTTPS(r), SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, cfg.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

// oidcCallback checks what the provider sent back. The flow cookie is
// cleared first, whatever happens: a state or a code is good once.
func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if h.limited(w, r, "login", "") {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	c, cerr := r.Cookie(flowCookie)
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Value: "", Path: flowPath, MaxAge: -1, HttpOnly: true, Secure: auth.IsHTTPS(r), SameSite: http.SameSiteLaxMode})
	parts := []string{}
	if cerr == nil {
		parts = strings.Split(c.Value, ".")
	}
	q := r.URL.Query()
	if len(parts) != 4 || q.Get("state") == "" || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(q.Get("state"))) != 1 {
		h.oidcFail(w, r, model.Errorf(model.EINVALID, "this sign-in link is not valid (wrong or reused state); start again from the login page"))
		return
	}
	if e := q.Get("error"); e != "" {
		h.oidcFail(w, r, model.Errorf(model.EFORBIDDEN, "%s refused the sign-in: %s", h.OIDC.label(), strings.TrimSpace(e+" "+q.Get("error_description"))))
		return
	}
	id, err := h.exchange(r.Context(), q.Get("code"), parts[1], parts[2])
	if err != nil {
		h.oidcFail(w, r, err)
		return
	}
	_, token, err := h.Accounts.LoginExternal(r.Context(), *id)
	if err != nil {
		h.oidcFail(w, r, err)
		return
	}
	if old := auth.SessionToken(r); old != "" {
		_ = h.Accounts.Logout(r.Context(), old) // rotate, as a password login does
	}
	auth.SetSession(w, r, token, SessionTTL)
	next, _ := base64.RawURLEncoding.DecodeString(parts[3])
	http.Redirect(w, r, LocalPath(string(next)), http.StatusSeeOther)
}

// exchange redeems the code with the PKCE verifier and checks the ID
// token: signature, issuer, audience, expiry (go-oidc) and the nonce.
func (h *Handler) exchange(ctx context.Context, code, nonce, verifier string) (*core.ExternalIdentity, error) {
	provider, cfg, err := h.OIDC.setup(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, errors.Join(model.Errorf(model.EFORBIDDEN, "%s did not accept this sign-in (an expired or reused code); start again", h.OIDC.label()), err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return nil, model.Errorf(model.EFORBIDDEN, "%s sent no ID token", h.OIDC.label())
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: h.OIDC.ClientID}).Verify(ctx, raw)
	if err != nil {
		return nil, errors.Join(model.Errorf(model.EFORBIDDEN, "the ID token from %s is not valid", h.OIDC.label()), err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, model.Errorf(model.EFORBIDDEN, "the ID token from %s is not for this sign-in (nonce)", h.OIDC.label())
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"` // some providers send "true"
		Username      string `json:"preferred_username"`
	}
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("oidc: claims: %w", err)
	}
	verified := claims.EmailVerified == true || claims.EmailVerified == "true"
	return &core.ExternalIdentity{Issuer: idt.Issuer, Subject: idt.Subject, Email: claims.Email, EmailVerified: verified,
		Username: claims.Username}, nil
}

func (h *Handler) oidcFail(w http.ResponseWriter, r *http.Request, err error) {
	err = response.Classify(r, err)
	status := response.Fail(w, r, h.Log, err)
	h.render(w, r, "login", page{Title: "Log in", Status: status, Data: &formData{Error: model.ErrorMessage(err),
		Values: map[string]string{}, OIDC: h.OIDC.label()}})
}
