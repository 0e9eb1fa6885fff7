// Command template is a complete, minimal OpsGraph platform plugin. Copy this
// directory to start a new plugin, then follow docs/plugins.md ("Writing a plugin").
//
// A plugin is a program whose main calls sdk.Serve. The OpsGraph server starts
// it as a child process; run by hand it only prints a notice and exits.
package main

import "github.com/opsgraph/opsgraph/plugins/sdk"

func main() {
	// Log through the SDK's logger: JSON on stderr, relayed into the server's
	// log, with secret-looking values redacted. Never log credentials or tokens.
	log := sdk.NewLogger(PlatformID)
	sdk.Serve(New(log), sdk.WithLogger(log))
}
