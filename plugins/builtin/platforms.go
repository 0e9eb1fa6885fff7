package builtin

import (
	"github.com/opsgraph/opsgraph/plugins/douyin"
	"github.com/opsgraph/opsgraph/plugins/taobao"
)

// The built-in platforms. Each package exports New() sdk.Platform.
func init() {
	register("douyin", douyin.New)
	register("taobao", taobao.New)
}
