package auth

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies says which peers are reverse proxies whose forwarding headers
// (X-Forwarded-For, X-Forwarded-Proto, Forwarded) are believed. Without
// any, every such header is ignored: a visitor could write them.
type Proxies []netip.Prefix

type clientKey struct{}

type client struct {
	addr  netip.Addr
	https bool
}

func (p Proxies) trusted(a netip.Addr) bool {
	for _, n := range p {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// Middleware resolves the client's address and scheme once per request,
// for the rate limits, secure cookies and HSTS.
func (p Proxies) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &client{addr: peerAddr(r), https: r.TLS != nil}
		if len(p) > 0 && p.trusted(c.addr) {
			c.addr, c.https = p.forwarded(r, c.addr, c.https)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, c)))
	})
}

// forwarded walks the forwarding chain from the nearest hop back: the
// client is the first address that is not a trusted proxy. Forwarded
// (RFC 7239) wins over the X-Forwarded-* headers when both are present.
func (p Proxies) forwarded(r *http.Request, peer netip.Addr, https bool) (netip.Addr, bool) {
	var hops []string
	var proto string
	if fwd := r.Header.Values("Forwarded"); len(fwd) > 0 {
		for _, elem := range strings.Split(strings.Join(fwd, ","), ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
				v = strings.Trim(v, `"`)
				switch strings.ToLower(k) {
				case "for":
					hops = append(hops, v)
				case "proto":
					proto = v
				}
			}
		}
	} else {
		for _, h := range r.Header.Values("X-Forwarded-For") {
			hops = append(hops, strings.Split(h, ",")...)
		}
		if v := r.Header.Values("X-Forwarded-Proto"); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			proto = parts[len(parts)-1]
		}
	}
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break // a garbled hop: keep the last address we could trust
		}
		addr = a
		if !p.trusted(a) {
			break
		}
	}
	if proto = strings.ToLower(strings.TrimSpace(proto)); proto != "" {
		https = proto == "https"
	}
	return addr, https
}

// parseHop reads one hop: "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:80",
// "2001:db8::1".
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	return a.Unmap(), err == nil
}

func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

func clientOf(r *http.Request) *client {
	if c, ok := r.Context().Value(clientKey{}).(*client); ok {
		return c
	}
	return &client{addr: peerAddr(r), https: r.TLS != nil}
}

// ClientAddr is the client's address: the peer, or what a trusted proxy
// forwarded.
func ClientAddr(r *http.Request) netip.Addr { return clientOf(r).addr }

// IsHTTPS reports whether the client reached the site over HTTPS (directly
// or through a trusted proxy).
func IsHTTPS(r *http.Request) bool { return clientOf(r).https }

// IPKey is the client's rate-limit key. An IPv6 client controls a whole
// /64, so its addresses share one key.
func IPKey(r *http.Request) string {
	a := ClientAddr(r)
	if !a.IsValid() {
		return "ip:unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}
