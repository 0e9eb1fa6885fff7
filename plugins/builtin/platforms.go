package builtin

import "github.com/opsgraph/opsgraph/plugins/taobao"

// The built-in platforms. Each package exports New() sdk.Platform.
func init() {
	register("taobao", taobao.New)
}
