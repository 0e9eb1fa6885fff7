// Package builtin lists the platform plugins compiled into the OpsGraph server
// and runs them as plugin processes of the server's own executable, so `go run .`
// needs no separate plugin build.
//
// The server wires it in two places:
//
//	// first thing in main, before anything writes to stdout:
//	if len(os.Args) >= 3 && os.Args[1] == builtin.Arg {
//		if err := builtin.Serve(os.Args[2]); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		return
//	}
//
//	// when building the plugin host:
//	specs, err := builtin.Specs()
//	...
//	plugins, err := host.New(host.Config{PluginDir: os.Getenv("OPSGRAPH_PLUGIN_DIR"), Builtins: specs, Logger: logger})
package builtin

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/opsgraph/opsgraph/plugins/host"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Arg is the first command-line argument that makes the server executable serve
// a built-in plugin: `opsgraph plugin <id>`.
const Arg = "plugin"

// registry maps built-in plugin ids to their constructors.
var registry = map[string]func() sdk.Platform{}

// register adds a built-in plugin; called from init functions in this package.
func register(id string, newFn func() sdk.Platform) {
	if _, dup := registry[id]; dup {
		panic("builtin: duplicate plugin id " + id)
	}
	registry[id] = newFn
}

// IDs returns the ids of the built-in plugins, sorted.
func IDs() []string {
	ids := make([]string, 0, len(registry))
	for id := range registry {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// New returns a new in-process instance of built-in plugin id. The server itself
// talks to plugins through the host; this is for tests and tools.
func New(id string) (sdk.Platform, bool) {
	f, ok := registry[id]
	if !ok {
		return nil, false
	}
	return f(), true
}

// Serve serves built-in plugin id over the plugin protocol on this process's
// stdin/stdout and returns when the host shuts the plugin down. It is what
// `opsgraph plugin <id>` runs; it returns an error only for an unknown id.
// Nothing else may write to stdout in that mode: it carries the handshake.
func Serve(id string) error {
	f, ok := registry[id]
	if !ok {
		return fmt.Errorf("opsgraph plugin: unknown built-in plugin %q (built-in: %s)", id, strings.Join(IDs(), ", "))
	}
	sdk.Serve(f(), sdk.WithLogger(sdk.NewLogger(id)))
	return nil
}

// Specs returns the host specs of every built-in plugin: the current executable
// (os.Executable) run with arguments `plugin <id>`.
func Specs() ([]host.Spec, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("builtin plugins: locating the server executable: %w", err)
	}
	return SpecsFor(exe), nil
}

// SpecsFor returns the built-in plugin specs for the given server executable.
func SpecsFor(exe string) []host.Spec {
	ids := IDs()
	specs := make([]host.Spec, 0, len(ids))
	for _, id := range ids {
		specs = append(specs, host.Spec{ID: id, Path: exe, Args: []string{Arg, id}, Builtin: true})
	}
	return slices.Clip(specs)
}
