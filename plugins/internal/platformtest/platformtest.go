// Package platformtest holds the helpers the platform plugins' tests share.
package platformtest

import (
	"context"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// FastRetry is a retry policy with millisecond back-off, for tests against fakes.
var FastRetry = platformhttp.Policy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// Ctx is a context that ends after 10 seconds or with the test.
func Ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// WantKind fails the test unless err is an *sdk.Error of kind (and, if code is
// not empty, with that platform code).
func WantKind(t *testing.T, err error, kind sdk.ErrorKind, code string) {
	t.Helper()
	if sdk.KindOf(err) != kind {
		t.Fatalf("error = %v, want kind %s", err, kind)
	}
	if code != "" && err.(*sdk.Error).PlatformCode != code {
		t.Fatalf("platform code = %q, want %q (%v)", err.(*sdk.Error).PlatformCode, code, err)
	}
}
