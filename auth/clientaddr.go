package auth

import (
	"context"
	"net"
	"net/http"
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

// RemoteAddr is the client address of r: the connection's peer, or, when the
// server sits behind a trusted proxy, the first address of X-Forwarded-For.
func RemoteAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
