package builtin

import (
	"github.com/opsgraph/opsgraph/plugins/douyin"
	"github.com/opsgraph/opsgraph/plugins/taobao"
	"github.com/opsgraph/opsgraph/plugins/xiaohongshu"
)

// The built-in platforms. Each package exports New() sdk.Platform.
func init() {
	register("douyin", douyin.New)
	register("taobao", taobao.New)
	register("xiaohongshu", xiaohongshu.New)
}
