package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/testutil"
)

// provider starts a real OpenID Connect provider (mockoidc: discovery,
// JWKS, signed ID tokens, one-time codes, PKCE) on loopback, recording
// the redirects it sends back to quire.
func provider(t *testing.T) (*mockoidc.MockOIDC, func() []string) {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var back []string
	_ = m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			if loc := w.Header().Get("Location"); strings.Contains(loc, "/login/oidc/callback") {
				mu.Lock()
				back = append(back, loc)
				mu.Unlock()
			}
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), back...) }
}

// Sign in with an institution's provider, in the browser: a new account
// from a verified e-mail; a reused callback (state) and a replayed code are
// refused; an unverified e-mail signs nobody in.
func TestOIDCLogin(t *testing.T) {
	op, callbacks := provider(t)
	addr := testutil.FreeAddr(t)
	ctx, m := browserWith(t, func(c *config.Config) {
		c.Addr, c.BaseURL = addr, "http://"+addr
		c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret, c.OIDCName = op.Issuer(), op.ClientID, op.ClientSecret, "Example University"
	})
	base := m.URL()
	op.QueueUser(&mockoidc.MockUser{Subject: "u-1001", Email: "Dana.Scully@uni.example", EmailVerified: true, PreferredUsername: "dana.scully"})

	do(t, ctx, chromedp.Navigate(base+"/login?next=/papers/trending"))
	if label := eval[string](t, ctx, `document.querySelector("#oidc-login").textContent`); label != "Sign in with Example University" {
		t.Fatalf("button: %q", label)
	}
	clickAndWait(t, ctx, "#oidc-login")
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/papers/trending") {
		t.Fatalf("after sign-in the browser is at %s", loc)
	}
	if me := eval[string](t, ctx, `document.querySelector("#me") ? document.querySelector("#me").textContent : ""`); me != "dana-scully" {
		t.Fatalf("signed in as %q, want the new account dana-scully", me)
	}
	acct, err := m.DB.FindAccountByEmail(context.Background(), "dana.scully@uni.example")
	if err != nil || acct.Name != "dana-scully" {
		t.Fatalf("account: %+v %v", acct, err)
	}
	screenshot(t, ctx, "oidc-signed-in")

	// The callback again (its state was used): refused, with a message.
	cb := callbacks()
	if len(cb) != 1 {
		t.Fatalf("%d callbacks recorded", len(cb))
	}
	do(t, ctx, chromedp.Navigate(cb[0]))
	if msg := eval[string](t, ctx, `document.querySelector(".error") ? document.querySelector(".error").textContent : ""`); !strings.Contains(msg, "not valid") {
		t.Errorf("reused callback: %q", msg)
	}
	// A wrong state.
	do(t, ctx, chromedp.Navigate(base+"/login/oidc/callback?code=x&state=forged"))
	if msg := eval[string](t, ctx, `document.querySelector(".error") ? document.querySelector(".error").textContent : ""`); !strings.Contains(msg, "wrong or reused state") {
		t.Errorf("wrong state: %q", msg)
	}

	// An unverified e-mail: no account is made or signed in, even for an
	// address that has one here.
	op.QueueUser(&mockoidc.MockUser{Subject: "u-666", Email: "dana.scully@uni.example", EmailVerified: false, PreferredUsername: "mallory"})
	do(t, ctx, chromedp.Navigate(base+"/login"))
	clickAndWait(t, ctx, "#oidc-login")
	if msg := eval[string](t, ctx, `document.querySelector(".error") ? document.querySelector(".error").textContent : ""`); !strings.Contains(msg, "not verified") {
		t.Errorf("unverified e-mail: %q", msg)
	}
	if _, err := m.DB.FindAccount(context.Background(), "mallory"); err == nil {
		t.Error("an unverified e-mail made an account")
	}
	if _, err := m.DB.FindIdentity(context.Background(), op.Issuer(), "u-666"); err == nil {
		t.Error("an unverified e-mail was linked to the account with that address")
	}

	// A replayed code, with the flow cookie of its sign-in forged back: the
	// provider refuses the second exchange.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.Contains(r.URL.Path, "/login/oidc/callback") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	op.QueueUser(&mockoidc.MockUser{Subject: "u-2002", Email: "fox@uni.example", EmailVerified: true})
	res, err := c.Get(base + "/login/oidc")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	callback := res.Header.Get("Location")
	u, _ := url.Parse(base)
	flow := jar.Cookies(&url.URL{Scheme: "http", Host: u.Host, Path: "/login/oidc"})
	first := callWith(t, callback, flow)
	second := callWith(t, callback, flow)
	if first != http.StatusSeeOther || second != http.StatusForbidden {
		t.Errorf("code used once: %d, replayed: %d (want 303, 403)", first, second)
	}
}

func callWith(t *testing.T, u string, cookies []*http.Cookie) int {
	req, _ := http.NewRequest("GET", u, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
