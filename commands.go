package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/opsgraph/opsgraph/backup"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/internal/exetrim"
	"github.com/opsgraph/opsgraph/plugins/builtin"
)

// errUsage marks command-line mistakes (exit status 2).
var errUsage = errors.New("usage")

// version is set at build time (-ldflags "-X main.version=v1.2.3"); otherwise
// the module version and VCS revision from the build info are used.
var version = ""

// commands are the sub-commands besides serving (no command, only flags).
var commands = map[string]func(args []string) error{
	"backup": func(args []string) error {
		var to string
		dsn, err := dbCommand("backup", args, func(fs *flag.FlagSet) {
			fs.StringVar(&to, "to", "", "file to write (must not exist)")
		})
		if err != nil {
			return err
		}
		if to == "" {
			return fmt.Errorf("%w: backup --to FILE is required", errUsage)
		}
		if err := backup.Backup(context.Background(), dsn, to); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "backed up %s to %s\n", maskDSN(dsn), to)
		return nil
	},
	"restore": func(args []string) error {
		var from string
		dsn, err := dbCommand("restore", args, func(fs *flag.FlagSet) {
			fs.StringVar(&from, "from", "", "backup file written by opsgraph backup")
		})
		if err != nil {
			return err
		}
		if from == "" {
			return fmt.Errorf("%w: restore --from FILE is required", errUsage)
		}
		if err := backup.Restore(context.Background(), dsn, from); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "restored %s from %s\n", maskDSN(dsn), from)
		return nil
	},
	"migrate": func(args []string) error {
		var dryRun bool
		dsn, err := dbCommand("migrate", args, func(fs *flag.FlagSet) {
			fs.BoolVar(&dryRun, "dry-run", false, "print the database's migration state and what would be applied; change nothing")
		})
		if err != nil {
			return err
		}
		return migrateCommand(context.Background(), os.Stdout, dsn, dryRun)
	},
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
	if envBoolOr("OPSGRAPH_TRIM_EXECUTABLE", true) {
		_, _ = exetrim.Trim() // memory only; stdout carries the handshake
	}
	return builtin.Serve(args[0])
}

// dbCommand parses the flags of a command working on the database: --db
// (OPSGRAPH_DB) plus its own.
func dbCommand(name string, args []string, own func(*flag.FlagSet)) (string, error) {
	fs := flag.NewFlagSet("opsgraph "+name, flag.ContinueOnError)
	dsn := fs.String("db", envOr("OPSGRAPH_DB", "opsgraph.db"), "SQLite file path or postgres:// URL (OPSGRAPH_DB)")
	own(fs)
	if err := fs.Parse(args); err != nil {
		return "", fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return "", fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return *dsn, nil
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

// migrateCommand applies the pending migrations to the database at dsn (or,
// with dryRun, only prints them) and prints what it did.
func migrateCommand(ctx context.Context, w io.Writer, dsn string, dryRun bool) error {
	drv, err := db.Open(dsn)
	if err != nil {
		return err
	}
	defer drv.Close()
	if err := drv.DB().PingContext(ctx); err != nil {
		return fmt.Errorf("connect to database %s: %w", maskDSN(dsn), err)
	}
	s, err := db.Status(ctx, drv.DB(), drv.Dialect())
	if err != nil {
		return err
	}
	if err := s.Newer(); err != nil {
		return err
	}
	state := "at " + s.Current()
	switch {
	case s.Empty:
		state = "empty"
	case s.Legacy:
		state = "created by Schema.Create, without recorded migrations (a baseline will be recorded)"
	}
	fmt.Fprintf(w, "database %s: %s, %d pending\n", maskDSN(dsn), state, len(s.Pending))
	if dryRun {
		for _, f := range s.Pending {
			fmt.Fprintf(w, "pending %s\n", f.Name())
		}
		return nil
	}
	client := ent.NewClient(ent.Driver(drv))
	applied, err := db.Migrate(ctx, client, drv.DB(), drv.Dialect())
	for _, name := range applied {
		fmt.Fprintf(w, "applied %s\n", name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(w, "nothing to apply: the schema is up to date")
	}
	return nil
}
