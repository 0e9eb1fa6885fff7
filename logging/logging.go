// Package logging sets up log/slog: JSON in production, text in a terminal,
// and the request id on every line logged with a request's context.
package logging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

type requestIDKey struct{}

// RequestID returns the request id carried by ctx, if any.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// contextHandler adds request_id to records logged with a request context.
type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(a)}
}

func (h contextHandler) WithGroup(n string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(n)}
}

// New returns a logger writing to w. format is "json", "text" or "auto" (text
// when w is a terminal, JSON otherwise).
func New(w io.Writer, format string, level slog.Level) *slog.Logger {
	if format == "auto" || format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: millis}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if strings.EqualFold(format, "text") {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(contextHandler{h})
}

// millis writes durations as milliseconds in a key ending in _ms ("took":
// 1.5s becomes "took_ms": 1500), one unit across text and JSON logs.
func millis(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.Float64(strings.TrimSuffix(a.Key, "_ms")+"_ms", float64(a.Value.Duration().Microseconds())/1000)
	}
	return a
}

// Middleware gives every request an id (the client's X-Request-Id if sane, else
// a random one), echoes it in the response and logs each request.
func Middleware(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \r\n\t") {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		ctx := WithRequestID(r.Context(), id)
		start := time.Now()
		next.ServeHTTP(w, r.WithContext(ctx))
		log.DebugContext(ctx, "request", "method", r.Method, "path", r.URL.Path, "duration", time.Since(start))
	})
}
