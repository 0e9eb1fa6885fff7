package platformhttp

import (
	"errors"
	"net/http"
	"sync"

	"github.com/opsgraph/opsgraph/netguard"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// guardOn: the host starts plugins with netguard.EnvAllowPrivate set to the
// server's --allow-private-endpoints; when it is false, every platform request
// dials public addresses only, checked at connect time (redirects and DNS
// answers included). Unset (a plugin used as a library, the plugin tests
// against loopback fakes) there is no guard: the server checks endpoints at
// connectStore too.
var guardOn = sync.OnceValue(func() bool {
	allow, set := netguard.AllowPrivateFromEnv()
	return set && !allow
})

var guarded sync.Map // *http.Client → its guarded copy (keeps the connection pool)

// guardClient returns the client to send platform requests with.
func guardClient(c *http.Client) (*http.Client, error) {
	if !guardOn() {
		return c, nil
	}
	if g, ok := guarded.Load(c); ok {
		return g.(*http.Client), nil
	}
	g, err := netguard.Client(c)
	if err != nil {
		return nil, err
	}
	actual, _ := guarded.LoadOrStore(c, g)
	return actual.(*http.Client), nil
}

// errEndpointRefused is what a call gets when its endpoint is not a public
// https address; no detail of what answered there (no port scanner).
func errEndpointRefused() *sdk.Error {
	return sdk.Errorf(sdk.KindInvalidRequest,
		"the endpoint is not a public https:// address, and this server does not allow private endpoints")
}

// guardRequest checks req before it is sent: with the guard on, https only.
func guardRequest(req *http.Request) error {
	if guardOn() && req.URL.Scheme != "https" {
		return errEndpointRefused()
	}
	return nil
}

// refused maps a guard refusal at dial or redirect time.
func refused(err error) bool { return errors.Is(err, netguard.ErrNotPublic) }
