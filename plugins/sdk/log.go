package sdk

import (
	"io"
	"os"

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
	for i := 0; i+1 < len(args); i += 2 {
		k, ok := args[i].(string)
		if !ok || !IsSecretKey(k) {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i+1] = Redacted
	}
	if out == nil {
		return args
	}
	return out
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
