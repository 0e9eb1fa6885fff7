package xiaohongshu

import "testing"

// Expected values computed independently with OpenSSL
// (printf '%s' "$method?appId=…&timestamp=…&version=2.0$secret" | openssl dgst -md5);
// the SDKs publish no fixed vectors.
func TestSignVectors(t *testing.T) {
	tests := []struct {
		method, appID, secret, version string
		ts                             int64
		want                           string
	}{
		{"order.getOrderList", "4d4e2b7e1a5b4c0f", "secretXYZ", "2.0", 1700000000, "e508ce40ee9bc77a0611c2ef90a887fb"},
		{"oauth.getAccessToken", "abc", "7f3c", "2.0", 1715587200, "49a78c1085261cae8b928bafb56cb44c"},
	}
	for _, tc := range tests {
		if got := Sign(tc.method, tc.appID, tc.secret, tc.version, tc.ts); got != tc.want {
			t.Errorf("Sign(%s) = %s, want %s", tc.method, got, tc.want)
		}
	}
}
