package taobao

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

func TestClassifyTOPErrors(t *testing.T) {
	tests := []struct {
		body  string
		kind  sdk.ErrorKind
		code  string
		retry time.Duration
		msg   string
	}{
		{`{"code":27,"msg":"Invalid session:session-expired","sub_code":"session-expired","sub_msg":"SessionKey已过期"}`, sdk.KindAuthExpired, "session-expired", 0, "taobao: SessionKey已过期"},
		{`{"code":27,"msg":"Invalid session"}`, sdk.KindAuthExpired, "27", 0, "taobao: Invalid session"},
		{`{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 12 more seconds"}`, sdk.KindRateLimited, "accesscontrol.limited-by-app-access-count", 12 * time.Second, ""},
		{`{"code":15,"msg":"Remote service error","sub_code":"isv.item-not-exist","sub_msg":"商品不存在"}`, sdk.KindPlatform, "isv.item-not-exist", 0, ""},
		{`{"code":15,"msg":"Remote service error","sub_code":"isp.remote-service-timeout"}`, sdk.KindUnavailable, "isp.remote-service-timeout", 0, ""},
		{`{"code":10,"msg":"Service Currently Unavailable"}`, sdk.KindUnavailable, "10", 0, ""},
		{`{"code":25,"msg":"Invalid signature"}`, sdk.KindInvalidRequest, "25", 0, ""},
		{`{"code":"41","msg":"Invalid Arguments","sub_code":"isv.invalid-parameter:page_size"}`, sdk.KindInvalidRequest, "isv.invalid-parameter:page_size", 0, ""},
		{`{"code":11,"msg":"Insufficient isv permissions","sub_code":"isv.permission-api-package-limit"}`, sdk.KindPlatform, "isv.permission-api-package-limit", 0, ""},
	}
	for _, tc := range tests {
		var te topError
		if err := json.Unmarshal([]byte(tc.body), &te); err != nil {
			t.Fatal(err)
		}
		e := classify(te)
		if e.Kind != tc.kind || e.PlatformCode != tc.code || e.RetryAfter != tc.retry || (tc.msg != "" && e.Message != tc.msg) {
			t.Errorf("classify(%s) = %+v", tc.body, e)
		}
	}
}

func TestSKUName(t *testing.T) {
	for in, want := range map[string]string{
		"1627207:28320:颜色分类:红色;20509:28315:尺码:M": "颜色分类:红色;尺码:M",
		"": "", "1627207:28320:颜色分类:黑色:加绒": "颜色分类:黑色:加绒",
	} {
		if got := skuName(in); got != want {
			t.Errorf("skuName(%q) = %q, want %q", in, got, want)
		}
	}
}
