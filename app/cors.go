package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/rs/cors"
)

// CORS lets browser consoles served from other origins call the API: the
// same list answers HTTP preflights and admits WebSocket handshakes.
type CORS struct {
	// Origins are "scheme://host[:port]" values, "https://*.example.com"
	// patterns, or "*" for any origin. Empty: same origin only.
	Origins []string
	// Credentials lets browsers send cookies and HTTP auth with the request
	// (Access-Control-Allow-Credentials); bearer tokens do not need it.
	Credentials bool
}

// CORSHeaders are the request headers a console may send cross-origin.
var CORSHeaders = []string{"Authorization", "Content-Type", "X-Request-Id"}

// ParseOrigins splits a comma-separated --cors-origins value.
func ParseOrigins(s string) []string {
	var out []string
	for o := range strings.SplitSeq(s, ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// Validate refuses "*" together with credentials (any site could then act
// with the visitor's cookies) and values that are not origins.
func (c CORS) Validate() error {
	for _, o := range c.Origins {
		if o == "*" {
			if c.Credentials {
				return errors.New("--cors-origins '*' cannot be combined with --cors-credentials: list the console origins instead")
			}
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("--cors-origins: %q is not an origin like https://console.example.com", o)
		}
		if strings.ContainsAny(o, "?[]\\") {
			return fmt.Errorf("--cors-origins: %q: only '*' is allowed as a wildcard", o)
		}
	}
	return nil
}

// wrap answers preflights and adds CORS headers for the configured origins;
// with none configured it returns next unchanged.
func (c CORS) wrap(next http.Handler) http.Handler {
	if len(c.Origins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins:   c.Origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   CORSHeaders,
		ExposedHeaders:   []string{"X-Request-Id", "Retry-After"},
		AllowCredentials: c.Credentials,
		MaxAge:           600,
	}).Handler(next)
}

// websocketOrigins are the origin patterns the WebSocket handshake admits
// besides the server's own host (coder/websocket matches "scheme://host"
// patterns with path.Match, the same wildcard meaning as rs/cors).
func (c CORS) websocketOrigins() []string {
	return slices.Clone(c.Origins)
}
