package sdk

import (
	"errors"
	"fmt"
	"time"
)

// ErrorKind classifies a plugin error so that it crosses the process boundary typed.
type ErrorKind string

// Error kinds. The host maps them to retries, token refresh and GraphQL error codes.
const (
	KindAuthExpired    ErrorKind = "AUTH_EXPIRED"    // access token expired or revoked: refresh or re-authorize
	KindRateLimited    ErrorKind = "RATE_LIMITED"    // retry after RetryAfter
	KindInvalidRequest ErrorKind = "INVALID_REQUEST" // the request is wrong; retrying will not help
	KindPlatform       ErrorKind = "PLATFORM_ERROR"  // the platform refused or failed; PlatformCode says why
	KindUnavailable    ErrorKind = "UNAVAILABLE"     // the platform could not be reached or answered 5xx
	KindUnimplemented  ErrorKind = "UNIMPLEMENTED"   // the plugin does not have this capability
)

// Error is the typed error a plugin returns and the host receives.
type Error struct {
	Kind         ErrorKind
	PlatformCode string        // the platform's own code, e.g. "isv.item-not-exist" or "50002"
	Message      string        // safe to show to users; never contains secrets
	RetryAfter   time.Duration // for KindRateLimited

	// NewToken is a token the plugin refreshed while serving the call that then
	// failed. The host stores it like a page's NewToken: the platform may have
	// spent the old refresh token, so dropping it would force a re-authorization.
	NewToken *Token

	// Cause is an optional underlying error, for errors.Is/As on the host side
	// (e.g. context.DeadlineExceeded when a call ran out of time). It never
	// crosses the process boundary; only Kind, PlatformCode, Message,
	// RetryAfter and NewToken do.
	Cause error
}

// Unwrap returns Cause.
func (e *Error) Unwrap() error { return e.Cause }

// ErrUntyped is the Cause of the *Error the host returns when a plugin failed a
// call with a plain error instead of an *Error. The conformance suite rejects it:
// plugins must classify their errors.
var ErrUntyped = errors.New("plugin returned an untyped error")

func (e *Error) Error() string {
	if e.PlatformCode != "" {
		return fmt.Sprintf("%s: %s (platform code %s)", e.Kind, e.Message, e.PlatformCode)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

// TokenOf returns the refreshed token an error carries, or nil.
func TokenOf(err error) *Token {
	var e *Error
	if errors.As(err, &e) {
		return e.NewToken
	}
	return nil
}

// KindOf returns the kind of a plugin error, or "" if err is not a *Error.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// Errorf builds a typed plugin error.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}
