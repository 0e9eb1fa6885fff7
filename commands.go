package main

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/opsgraph/opsgraph/plugins/builtin"
)

// errUsage marks command-line mistakes (exit status 2).
var errUsage = errors.New("usage")

// version is set at build time (-ldflags "-X main.version=v1.2.3"); otherwise
// the module version and VCS revision from the build info are used.
var version = ""

// commands are the sub-commands besides serving (no command, only flags).
var commands = map[string]func(args []string) error{
	"version": func(args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: version takes no arguments", errUsage)
		}
		fmt.Println(versionString())
		return nil
	},
}

// servePlugin serves one built-in plugin: "opsgraph plugin <id>".
func servePlugin(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: opsgraph plugin <id> (run by the plugin host, not by hand)", errUsage)
	}
	return builtin.Serve(args[0])
}

func commandNames() []string {
	names := []string{builtin.Arg}
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// dispatch runs a sub-command, or the server when args start with a flag or
// are empty. An unknown word is an error rather than a server on :8080.
func dispatch(args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, ok := commands[args[0]]
		if !ok {
			return fmt.Errorf("%w: unknown command %q (commands: %s; flags: --help)", errUsage, args[0], strings.Join(commandNames(), ", "))
		}
		return cmd(args[1:])
	}
	return run(args)
}

func versionString() string {
	v, rev, dirty := version, "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	out := "opsgraph " + v
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "-dirty"
		}
		out += " " + rev
	}
	return out + " " + runtime.Version()
}
