package sdk_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestIntegratorBuildStaysSmall: what an integrator's plugin compiles (the SDK,
// the conformance suite, the template plugin) does not pull in the server's
// dependencies. The generated protobuf lives in plugins/sdk/internal, so
// nothing outside the SDK can depend on it either.
func TestIntegratorBuildStaysSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/opsgraph/opsgraph/plugins/sdk",
		"github.com/opsgraph/opsgraph/plugins/conformance", "github.com/opsgraph/opsgraph/plugins/template").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{"entgo.io/", "github.com/99designs/gqlgen", "github.com/casbin/", "github.com/vektah/gqlparser",
		"github.com/jackc/pgx", "modernc.org/sqlite", "github.com/opsgraph/opsgraph/ent", "github.com/opsgraph/opsgraph/graph",
		"github.com/opsgraph/opsgraph/platformsync", "github.com/opsgraph/opsgraph/app"}
	n := 0
	for _, pkg := range strings.Fields(string(out)) {
		n++
		for _, f := range forbidden {
			if strings.HasPrefix(pkg, f) {
				t.Errorf("an integrator's build pulls in %s", pkg)
			}
		}
	}
	t.Logf("%d packages (standard library included)", n)
}
