package auth

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

type addrKey struct{}

// ClientAddr returns the client address recorded for the request.
func ClientAddr(ctx context.Context) string {
	s, _ := ctx.Value(addrKey{}).(string)
	return s
}

// WithClientAddr returns ctx carrying the client address.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// TrustedProxies are the networks of the reverse proxies in front of the
// server (--trusted-proxies); only they may speak for a client through
// X-Forwarded-For.
type TrustedProxies []netip.Prefix

// LocalProxies is what the deprecated --trust-proxy trusts: loopback and the
// private networks a proxy run by the operator sits in.
var LocalProxies = mustProxies("127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7")

func mustProxies(s string) TrustedProxies {
	p, err := ParseTrustedProxies(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ParseTrustedProxies reads a comma-separated list of CIDRs or single addresses.
func ParseTrustedProxies(s string) (TrustedProxies, error) {
	var out TrustedProxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither a CIDR nor an address", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Contains reports whether a is a trusted proxy's address.
func (t TrustedProxies) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// RemoteAddr is the client address of r. Without trusted proxies it is the
// connection's peer. When the peer is a trusted proxy, X-Forwarded-For is read
// from the right: each trusted proxy appends the address it saw, so the
// rightmost address that is not a trusted proxy is the client; everything to
// its left was written by the client and is ignored.
func RemoteAddr(r *http.Request, trusted TrustedProxies) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	client := peer.Addr().Unmap()
	if !trusted.Contains(client) {
		return client.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		a, err := netip.ParseAddr(h)
		if err != nil {
			// A trusted proxy writes addresses: this hop is the client's
			// invention, so the last hop we could vouch for is the answer.
			break
		}
		client = a.Unmap()
		if !trusted.Contains(client) {
			break
		}
	}
	return client.String()
}
