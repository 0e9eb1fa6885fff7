package sdk

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
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
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, grpc.ChainUnaryInterceptor(RecoverInterceptor(log)))...)
		},
		Logger: log,
		Test:   o.test,
	})
}

// RecoverInterceptor turns a panic in a plugin call into a KindPlatform error
// (logged with its stack) instead of a crash of the plugin process, which would
// fail every other call in flight. Serve installs it.
func RecoverInterceptor(log hclog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				log.Error("plugin call panicked", "method", info.FullMethod, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				resp, err = nil, toRPCError(&Error{Kind: KindPlatform, Message: fmt.Sprintf("plugin panicked in %s: %v", info.FullMethod, r)})
			}
		}()
		return handler(ctx, req)
	}
}
