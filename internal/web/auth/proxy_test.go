package auth

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// FuzzForwarded: any forwarding headers from a trusted proxy give a valid
// client address and never a panic; an untrusted peer's headers are never
// read.
func FuzzForwarded(f *testing.F) {
	f.Add("203.0.113.7, 10.0.0.2", "https", `for="[2001:db8::1]:4711";proto=https`)
	f.Add("", "", "for=unknown")
	f.Add("garbage,,,", "HTTP", `for=;proto=`)
	trusted := Proxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32")}
	f.Fuzz(func(t *testing.T, xff, proto, fwd string) {
		for _, peer := range []string{"192.0.2.1:1234", "198.51.100.9:80"} {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = peer
			r.Header.Set("X-Forwarded-For", xff)
			r.Header.Set("X-Forwarded-Proto", proto)
			if fwd != "" {
				r.Header.Set("Forwarded", fwd)
			}
			var got netip.Addr
			trusted.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r2 *http.Request) { got = ClientAddr(r2) })).ServeHTTP(httptest.NewRecorder(), r)
			if !got.IsValid() {
				t.Fatalf("no client address from %q %q %q via %s", xff, proto, fwd, peer)
			}
			if peer == "198.51.100.9:80" && got != netip.MustParseAddr("198.51.100.9") {
				t.Fatalf("an untrusted peer's headers were believed: %s", got)
			}
		}
	})
}
