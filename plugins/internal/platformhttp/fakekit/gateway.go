package fakekit

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
)

// Listen serves h on addr (default "127.0.0.1:0") in the background and returns
// the base URL ("http://host:port") and the server, for Close.
func Listen(addr string, h http.Handler) (string, *http.Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	// Wait until Serve tracks the listener (it calls BaseContext right after):
	// a Close before that would leave the port bound for a moment, and a
	// restart on the same port (the demo's fixed ports) would fail.
	serving := make(chan struct{})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { close(serving); return context.Background() }}
	go srv.Serve(ln)
	<-serving
	return "http://" + ln.Addr().String(), srv, nil
}

// Admit applies the injected delay and 5xx faults before a request is handled:
// false if the client went away during the delay (nothing is written) or if the
// request was answered with status and body as a forced failure.
func (f *Faults) Admit(w http.ResponseWriter, r *http.Request, status int, body string) bool {
	if !f.Wait(r.Context()) {
		return false
	}
	if f.Take5xx() {
		http.Error(w, body, status)
		return false
	}
	return true
}

// OutsideWindow reports whether a client timestamp ts differs from the fake's
// clock by more than window in either direction.
func (f *Faults) OutsideWindow(ts time.Time, window time.Duration) bool {
	d := f.Now().Sub(ts)
	return d > window || d < -window
}

// CallLog counts requests per method; the zero value is ready to use.
type CallLog struct {
	mu sync.Mutex
	n  map[string]int
}

// Add counts one request for method ("" is the fakes' count of every request).
func (c *CallLog) Add(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[method]++
}

// Count returns how many requests for method were added.
func (c *CallLog) Count(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[method]
}

// TokenCheck is the verdict on a presented access token.
type TokenCheck int

// Token verdicts, in the order the fakes test them.
const (
	TokenValid   TokenCheck = iota
	TokenMissing            // empty
	TokenInvalid            // not the current token
	TokenExpired            // current, but expired with Session.Expire
)

// Session is a fake shop's current access/refresh token pair. Each grant mints
// the next generation's pair; generation 0 is minted by NewSession.
type Session struct {
	mu              sync.Mutex
	mint            func(gen int) (access, refresh string)
	access, refresh string
	gen             int
	expired         bool
}

// NewSession starts a session whose tokens come from mint.
func NewSession(mint func(gen int) (access, refresh string)) *Session {
	s := &Session{mint: mint}
	s.access, s.refresh = mint(0)
	return s
}

// Tokens returns the current access and refresh token.
func (s *Session) Tokens() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.access, s.refresh
}

// Expire makes the current access token expired until the next grant.
func (s *Session) Expire() { s.mu.Lock(); s.expired = true; s.mu.Unlock() }

// Check classifies a presented access token.
func (s *Session) Check(token string) TokenCheck {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case token == "":
		return TokenMissing
	case token != s.access:
		return TokenInvalid
	case s.expired:
		return TokenExpired
	}
	return TokenValid
}

// Grant mints the next token pair (clearing expiry) and returns it.
func (s *Session) Grant() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grant()
}

// Refresh is Grant if presented is the current refresh token; ok is false (and
// nothing changes) otherwise.
func (s *Session) Refresh(presented string) (access, refresh string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if presented != s.refresh {
		return "", "", false
	}
	access, refresh = s.grant()
	return access, refresh, true
}

func (s *Session) grant() (string, string) {
	s.gen++
	s.access, s.refresh = s.mint(s.gen)
	s.expired = false
	return s.access, s.refresh
}

// Args are a JSON request's parameters, decoded leniently.
type Args map[string]json.RawMessage

// Str is parameter k as a string (numbers accepted; "" if absent or not scalar).
func (a Args) Str(k string) string {
	var v platformhttp.FlexString
	if raw, ok := a[k]; ok {
		json.Unmarshal(raw, &v)
	}
	return string(v)
}

// Num is parameter k as an integer (numeric strings accepted); def if absent,
// false if present but not an integer.
func (a Args) Num(k string, def int64) (int64, bool) {
	raw, ok := a[k]
	if !ok {
		return def, true
	}
	var v platformhttp.FlexInt
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false
	}
	return int64(v), true
}

// WriteJSON answers 200 with v as JSON (HTML characters unescaped, as the
// platforms' gateways do) under the given Content-Type.
func WriteJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// Revoke ends the session for good: the access token is expired and no refresh
// token is accepted until the next Grant (a seller who cancelled the app's
// authorization, or a refresh token past its lifetime).
func (s *Session) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired = true
	s.refresh = "\x00revoked"
}

// Generation is how many grants and refreshes the session has seen.
func (s *Session) Generation() int { s.mu.Lock(); defer s.mu.Unlock(); return s.gen }

// Int64 reads k as a JSON number only (the official SDKs type ids such as
// 抖店's product_id and sku_id as int64: a quoted id is refused); ok is false when
// it is absent, quoted or not an integer.
func (a Args) Int64(k string) (int64, bool) {
	raw, ok := a[k]
	if !ok || len(raw) == 0 || raw[0] == '"' {
		return 0, false
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false
	}
	return v, true
}
