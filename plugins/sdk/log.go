package sdk

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"time"

	"github.com/hashicorp/go-hclog"
)

// LogLevelEnv names the environment variable a plugin reads its log level from
// (trace, debug, info, warn, error; default info). The host passes its own
// environment on to the plugin process.
const LogLevelEnv = "OPSGRAPH_PLUGIN_LOG_LEVEL"

// NewLogger returns the logger a plugin should use: hclog, JSON lines on the
// process's real stderr (which the host reads and re-logs under the plugin's
// name), level from OPSGRAPH_PLUGIN_LOG_LEVEL, and secret redaction: the value of
// any key for which IsSecretKey is true is replaced by [REDACTED], and
// Connection/Token values format themselves without secrets. Redaction is a
// safety net; plugins must still not log credentials or tokens.
//
// Create it before calling Serve: go-plugin replaces os.Stderr once serving.
func NewLogger(name string) hclog.Logger {
	return newLogger(name, os.Stderr)
}

func newLogger(name string, w io.Writer) hclog.Logger {
	level := hclog.LevelFromString(os.Getenv(LogLevelEnv))
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return Redacting(hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Level:      level,
		Output:     w,
		JSONFormat: true,
	}))
}

// Redacting wraps an hclog.Logger so that values of secret-named keys (see
// IsSecretKey) are replaced by [REDACTED], including keys added with With.
func Redacting(l hclog.Logger) hclog.Logger {
	if _, ok := l.(*redactingLogger); ok {
		return l
	}
	return &redactingLogger{Logger: l}
}

type redactingLogger struct{ hclog.Logger }

func redactArgs(args []any) []any {
	var out []any
	set := func(i int, v any) {
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = v
	}
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && IsSecretKey(k) {
			set(i+1, Redacted)
			continue
		}
		if v, changed := sanitizeValue(args[i+1]); changed {
			set(i+1, v)
		}
	}
	if out == nil {
		return args
	}
	return out
}

// sanitizeValue keeps secrets inside values out of the log. hclog's JSON output
// marshals structs field by field, bypassing Connection.String, so composite
// values are formatted with fmt (which uses the redacting String methods of
// Connection and Token, also when nested) and string maps lose their secret keys.
func sanitizeValue(v any) (any, bool) {
	switch x := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, time.Time, time.Duration, error, hclog.Format, hclog.Hex, hclog.Octal, hclog.Binary, hclog.Quote:
		return v, false
	case map[string]string:
		m := make(map[string]string, len(x))
		for k, val := range x {
			if IsSecretKey(k) {
				val = Redacted
			}
			m[k] = val
		}
		return m, true
	case fmt.Stringer:
		return x.String(), true
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Array, reflect.Interface:
		return fmt.Sprintf("%+v", v), true
	}
	return v, false
}

func (r *redactingLogger) Log(level hclog.Level, msg string, args ...any) {
	r.Logger.Log(level, msg, redactArgs(args)...)
}
func (r *redactingLogger) Trace(msg string, args ...any) { r.Logger.Trace(msg, redactArgs(args)...) }
func (r *redactingLogger) Debug(msg string, args ...any) { r.Logger.Debug(msg, redactArgs(args)...) }
func (r *redactingLogger) Info(msg string, args ...any)  { r.Logger.Info(msg, redactArgs(args)...) }
func (r *redactingLogger) Warn(msg string, args ...any)  { r.Logger.Warn(msg, redactArgs(args)...) }
func (r *redactingLogger) Error(msg string, args ...any) { r.Logger.Error(msg, redactArgs(args)...) }
func (r *redactingLogger) With(args ...any) hclog.Logger {
	return &redactingLogger{Logger: r.Logger.With(redactArgs(args)...)}
}
func (r *redactingLogger) Named(name string) hclog.Logger {
	return &redactingLogger{Logger: r.Logger.Named(name)}
}
func (r *redactingLogger) ResetNamed(name string) hclog.Logger {
	return &redactingLogger{Logger: r.Logger.ResetNamed(name)}
}
