// Package apperr defines the stable error codes the API returns in
// extensions.code, and an error type that carries one. Domain code returns
// these; graph maps every other error to a code in one place.
package apperr

import (
	"errors"
	"fmt"
)

// Code is a stable, documented error code.
type Code string

// The codes clients can rely on.
const (
	Unauthenticated   Code = "UNAUTHENTICATED"
	Forbidden         Code = "FORBIDDEN"
	NotFound          Code = "NOT_FOUND"
	BadUserInput      Code = "BAD_USER_INPUT"
	Conflict          Code = "CONFLICT"
	RateLimited       Code = "RATE_LIMITED"
	PluginUnavailable Code = "PLUGIN_UNAVAILABLE"
	// Unavailable: a dependency of the server (its database) did not answer;
	// retry later. Never a verdict on the client's credentials.
	Unavailable Code = "UNAVAILABLE"
	// NotSupported: the store's plugin does not declare the capability asked
	// for (e.g. METRICS or PUBLISH_CONTENT); the message names both.
	NotSupported Code = "NOT_SUPPORTED"
	Internal     Code = "INTERNAL"
)

// HTTPStatus is the HTTP status of a response refused as a whole with code
// (errors of single fields inside a 200 response keep 200).
func HTTPStatus(code Code) int {
	switch code {
	case Unauthenticated:
		return 401
	case Forbidden:
		return 403
	case NotFound:
		return 404
	case BadUserInput:
		return 400
	case Conflict:
		return 409
	case RateLimited:
		return 429
	case PluginUnavailable, Unavailable:
		return 503
	}
	return 500
}

// Error is an error with a code, a message safe to show to clients and, for
// BAD_USER_INPUT, the input field at fault.
type Error struct {
	Code    Code
	Message string
	Field   string
	Err     error // the cause, for logs only; never shown
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a client-safe message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Input returns a BAD_USER_INPUT error about one field.
func Input(field, format string, args ...any) *Error {
	return &Error{Code: BadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err if it carries one.
func CodeOf(err error) (Code, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, true
	}
	return "", false
}
