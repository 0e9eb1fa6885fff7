// Package netguard keeps server-side HTTP requests to user-supplied URLs
// (platform endpoints now, webhooks later) away from the operator's own
// network: only https:// URLs whose addresses are public pass, and the same
// rule is enforced again on every connection at dial time, so neither a
// redirect nor a DNS answer that changes between the check and the connection
// (rebinding) can reach a private address.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// EnvAllowPrivate names the environment variable that carries the server's
// --allow-private-endpoints setting into plugin processes.
const EnvAllowPrivate = "OPSGRAPH_ALLOW_PRIVATE_ENDPOINTS"

// ErrNotPublic is the cause of every refusal to reach a non-public address.
var ErrNotPublic = errors.New("not a public address")

// blocked are the networks a server-side request may never reach besides the
// ones netip classifies (loopback, private, link-local, multicast, unspecified).
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),      // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),       // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),       // documentation
	netip.MustParsePrefix("198.18.0.0/15"),      // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"),    // documentation
	netip.MustParsePrefix("203.0.113.0/24"),     // documentation
	netip.MustParsePrefix("240.0.0.0/4"),        // reserved, broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"),     // local-use NAT64
	netip.MustParsePrefix("100::/64"),           // discard-only
	netip.MustParsePrefix("2001:db8::/32"),      // documentation
	netip.MustParsePrefix("fc00::/7"),           // unique local (incl. fd00:ec2::254, the EC2 metadata address)
	netip.MustParsePrefix("fec0::/10"),          // site-local (deprecated)
	netip.MustParsePrefix("2001::/32"),          // Teredo: tunnels to arbitrary IPv4
	netip.MustParsePrefix("2002::/16"),          // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("169.254.169.254/32"), // cloud metadata (also link-local; named for clarity)
}

// nat64 embeds an IPv4 address in its last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// Public reports whether a is an address of the public internet.
func Public(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap()
	if nat64.Contains(a) {
		b := a.As16()
		return Public(netip.AddrFrom4([4]byte(b[12:])))
	}
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range blocked {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Control is a net.Dialer Control function that refuses to connect to a
// non-public address. It sees the address actually dialled, after name
// resolution, so it holds for every redirect and every DNS answer.
func Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("netguard: %s %s: %w", network, address, ErrNotPublic)
	}
	if !Public(ap.Addr()) {
		return fmt.Errorf("netguard: refusing to connect to %s: %w", ap.Addr(), ErrNotPublic)
	}
	return nil
}

// Dialer returns a dialer that only connects to public addresses.
func Dialer() *net.Dialer {
	return &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: Control}
}

// Transport returns t (nil: a copy of http.DefaultTransport) cloned to dial
// public addresses only and to use no proxy: a proxy would resolve and
// connect on the request's behalf, beyond the dialer's check.
func Transport(t *http.Transport) *http.Transport {
	if t == nil {
		t = http.DefaultTransport.(*http.Transport)
	}
	g := t.Clone()
	g.Proxy = nil
	g.DialContext = Dialer().DialContext
	g.DialTLSContext = nil
	return g
}

// CheckRedirect is an http.Client CheckRedirect that follows only https
// redirects (at most 10); the dialer checks where they lead.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("netguard: stopped after 10 redirects")
	}
	if req.URL.Scheme != "https" {
		return fmt.Errorf("netguard: refusing a redirect to %s://: %w", req.URL.Scheme, ErrNotPublic)
	}
	return nil
}

// Client returns c (nil: a new client) guarded: public addresses only, https
// redirects only. A custom RoundTripper that is not an *http.Transport cannot
// be guarded and is refused.
func Client(c *http.Client) (*http.Client, error) {
	g := &http.Client{}
	if c != nil {
		*g = *c
	}
	switch t := g.Transport.(type) {
	case nil:
		g.Transport = Transport(nil)
	case *http.Transport:
		g.Transport = Transport(t)
	default:
		return nil, fmt.Errorf("netguard: cannot guard a %T", t)
	}
	g.CheckRedirect = CheckRedirect
	return g, nil
}

// AllowPrivateFromEnv reads EnvAllowPrivate: set, it says whether private
// endpoints are allowed; unset, ok is false (not configured).
func AllowPrivateFromEnv() (allow, ok bool) {
	v, set := os.LookupEnv(EnvAllowPrivate)
	if !set || v == "" {
		return false, false
	}
	b, err := strconv.ParseBool(v)
	return err == nil && b, true
}

// Resolver looks up a host's addresses (net.DefaultResolver is one).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// URLError says why an endpoint URL is refused, in words fit for the user.
type URLError struct{ Reason string }

func (e *URLError) Error() string { return e.Reason }

// CheckURL validates a user-supplied endpoint before it is stored or used:
// an absolute https:// URL without user info whose host resolves only to
// public addresses. With allowPrivate, http:// and any address pass (local
// gateways, the demo's fake platforms). r nil is net.DefaultResolver.
func CheckURL(ctx context.Context, raw string, allowPrivate bool, r Resolver) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return &URLError{"is not an absolute URL"}
	}
	if u.User != nil {
		return &URLError{"must not carry a user name or password"}
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowPrivate:
	default:
		return &URLError{"must be an https:// URL"}
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if !Public(a) {
			return &URLError{"must be a public address (this server does not allow private endpoints)"}
		}
		return nil
	}
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return &URLError{"host name does not resolve"}
	}
	for _, a := range addrs {
		if !Public(a) {
			return &URLError{"resolves to a non-public address (this server does not allow private endpoints)"}
		}
	}
	return nil
}
