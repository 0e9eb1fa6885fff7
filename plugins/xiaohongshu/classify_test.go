package xiaohongshu

import (
	"testing"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		code int64
		msg  string
		kind sdk.ErrorKind
	}{
		{3002, "accessToken已过期", sdk.KindAuthExpired},
		{-1, "accessToken无效", sdk.KindAuthExpired},
		{4001, "请求过于频繁", sdk.KindRateLimited},
		{-100, "接口限流", sdk.KindRateLimited},
		{2002, "签名校验失败", sdk.KindInvalidRequest},
		{-2, "参数错误: pageSize", sdk.KindInvalidRequest},
		{1001, "系统繁忙", sdk.KindUnavailable},
		{5001, "订单不存在", sdk.KindPlatform},
	}
	for _, tc := range tests {
		if e := classify(tc.code, tc.msg); e.Kind != tc.kind {
			t.Errorf("classify(%d, %s) = %s, want %s", tc.code, tc.msg, e.Kind, tc.kind)
		}
	}
}

func TestOrderStatus(t *testing.T) {
	for _, tc := range []struct {
		st   int64
		paid bool
		want string
	}{{1, false, sdk.OrderPendingPayment}, {4, true, sdk.OrderPaid}, {6, true, sdk.OrderShipped}, {7, true, sdk.OrderCompleted},
		{8, true, sdk.OrderRefunded}, {9, false, sdk.OrderCancelled}, {9, true, sdk.OrderRefunded}} {
		if got := OrderStatus(tc.st, tc.paid); got != tc.want {
			t.Errorf("OrderStatus(%d,%v) = %s", tc.st, tc.paid, got)
		}
	}
}
