package sdk

import (
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// Option configures Serve.
type Option func(*serveOptions)

type serveOptions struct {
	logger hclog.Logger
	test   *plugin.ServeTestConfig
}

// WithLogger sets the logger go-plugin and the SDK's per-call debug logs use
// (default: NewLogger("plugin")). It is wrapped with Redacting.
func WithLogger(l hclog.Logger) Option {
	return func(o *serveOptions) { o.logger = l }
}

// WithTestConfig serves in go-plugin's in-process test mode (see
// plugin.ServeTestConfig): no handshake cookie check, the reattach config is sent
// on the given channel, and Serve returns when its Context is cancelled. For
// debugging a plugin under a debugger; the host does not need it.
func WithTestConfig(c *plugin.ServeTestConfig) Option {
	return func(o *serveOptions) { o.test = c }
}

// Serve serves impl as an OpsGraph platform plugin and does not return (outside
// test mode): call it from main. The host launches the binary; run by hand it
// prints a short notice and exits with status 1.
//
//	func main() {
//		sdk.Serve(myplatform.New(), sdk.WithLogger(sdk.NewLogger("myplatform")))
//	}
func Serve(impl Platform, opts ...Option) {
	o := serveOptions{}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = NewLogger("plugin")
	}
	log := Redacting(o.logger)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{
			ProtocolVersion: {PluginName: &GRPCPlugin{Impl: impl, Logger: log}},
		},
		GRPCServer: plugin.DefaultGRPCServer,
		Logger:     log,
		Test:       o.test,
	})
}
