package builtin

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/plugins/host"
)

// TestMain lets the test binary stand in for the server executable: started as
// `<binary> plugin <id>` it serves the built-in plugin, exactly as server.go does.
func TestMain(m *testing.M) {
	if len(os.Args) >= 3 && os.Args[1] == Arg {
		if err := Serve(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestRegistry(t *testing.T) {
	ids := IDs()
	if !slices.IsSorted(ids) {
		t.Fatalf("IDs() = %v", ids)
	}
	for _, id := range ids {
		p, ok := New(id)
		if !ok || p == nil {
			t.Fatalf("New(%q) = %v, %v", id, p, ok)
		}
	}
	if _, ok := New("nope"); ok {
		t.Fatal("New(nope) should fail")
	}
	if err := Serve("nope"); err == nil || !strings.Contains(err.Error(), `unknown built-in plugin "nope"`) {
		t.Fatalf("Serve(nope) = %v; want an error naming the built-in ids", err)
	}
}

func TestSpecs(t *testing.T) {
	specs, err := Specs()
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	for _, s := range specs {
		if s.Path != exe || !slices.Equal(s.Args, []string{Arg, s.ID}) || !s.Builtin || s.SHA256 != "" {
			t.Fatalf("spec %+v", s)
		}
	}
}

// TestBuiltinsRunAsReexecutedProcesses launches every built-in plugin as the
// server does: its own executable with `plugin <id>`.
func TestBuiltinsRunAsReexecutedProcesses(t *testing.T) {
	if len(IDs()) == 0 {
		t.Skip("no built-in plugins registered")
	}
	specs, err := Specs()
	if err != nil {
		t.Fatal(err)
	}
	m, err := host.New(host.Config{Builtins: specs, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, id := range IDs() {
		p, err := m.Get(context.Background(), id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		d, err := p.Describe(context.Background())
		if err != nil {
			t.Fatalf("%s: Describe: %v", id, err)
		}
		if d.PlatformID != id || d.DisplayName == "" || len(d.Capabilities) == 0 {
			t.Fatalf("%s: Describe = %+v", id, d)
		}
		s, _ := m.Status(id)
		if s.Health != host.HealthRunning || !s.Builtin || s.PID == 0 || s.PID == os.Getpid() {
			t.Fatalf("%s: status %+v", id, s)
		}
	}
}
