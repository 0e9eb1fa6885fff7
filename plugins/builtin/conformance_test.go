package builtin

import (
	"os"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/conformance"
	douyinfake "github.com/opsgraph/opsgraph/plugins/douyin/fake"
	"github.com/opsgraph/opsgraph/plugins/sdk"
	taobaofake "github.com/opsgraph/opsgraph/plugins/taobao/fake"
	xhsfake "github.com/opsgraph/opsgraph/plugins/xiaohongshu/fake"
)

// TestBuiltinsConform runs the conformance suite against each built-in plugin,
// launched as the server launches it, talking to its fake platform: among the
// checks, capability honesty (what is declared works, what is not answers
// UNIMPLEMENTED).
func TestBuiltinsConform(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tb := taobaofake.New(taobaofake.Options{Products: 5, Orders: 12})
	t.Cleanup(tb.Close)
	dy := douyinfake.New(douyinfake.Options{Products: 5, Orders: 12})
	t.Cleanup(dy.Close)
	xhs := xhsfake.New(xhsfake.Options{Products: 5, Orders: 12})
	t.Cleanup(xhs.Close)
	dyConn := dy.Connection()
	dyConn.ShopID = "" // with a shop id an empty code is 抖店's self-authorization, not an error
	for _, c := range []struct {
		id   string
		conn sdk.Connection
	}{{"taobao", tb.Connection()}, {"douyin", dyConn}, {"xiaohongshu", xhs.Connection()}} {
		t.Run(c.id, func(t *testing.T) {
			conformance.RunBinary(t, c.id, exe, conformance.Config{
				Connection:  c.conn,
				PageSize:    3,
				OrdersSince: time.Now().Add(-40 * 24 * time.Hour),
				OrdersUntil: time.Now(),
			}, Arg, c.id)
		})
	}
}
