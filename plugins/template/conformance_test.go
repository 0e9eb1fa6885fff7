package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/conformance"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// TestConformance builds this plugin and runs the OpsGraph conformance suite
// against the binary, launched as the server launches plugins. Keep this test
// when you copy the template; adjust the Connection to your fake platform.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin binary")
	}
	bin := filepath.Join(t.TempDir(), "opsgraph-plugin-"+PlatformID)
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	conformance.RunBinary(t, PlatformID, bin, conformance.Config{
		Connection: sdk.Connection{
			ShopID:      "shop-1",
			Credentials: map[string]string{"app_key": "test-key", "app_secret": "test-secret"},
			AccessToken: "token",
		},
		OrdersSince: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		OrdersUntil: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		MetricsFrom: "2025-10-01",
		MetricsTo:   "2025-10-07",
	})
}
