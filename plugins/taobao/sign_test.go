package taobao

import "testing"

// Vectors:
//   - the TOP documentation's worked example (PLATFORMS.md), md5;
//   - TOP document articleId=101617's example (secret helloworld), md5, as quoted
//     with its published signature in a public TOP client's test suite;
//   - RFC 2202 test case 1 (HMAC-MD5) and RFC 4231 test case 1 (HMAC-SHA256): the
//     concatenation of {"Hi": " There"} is exactly the RFC message "Hi There", so
//     these pin the hmac and hmac-sha256 methods to independently published values.
func TestSignVectors(t *testing.T) {
	doc := map[string]string{
		"method": "taobao.user.seller.get", "timestamp": "2013-05-06 13:52:03", "format": "xml",
		"app_key": "test", "v": "2.0", "fields": "nick", "sign_method": "md5", "session": "test",
	}
	helloworld := map[string]string{
		"method": "taobao.item.seller.get", "app_key": "12345678", "session": "test",
		"timestamp": "2016-01-01 12:00:00", "format": "json", "v": "2.0", "sign_method": "md5",
		"fields": "num_iid,title,nick,price,num", "num_iid": "11223344",
	}
	withSignAndEmpty := map[string]string{"sign": "IGNORED", "empty": ""}
	for k, v := range doc {
		withSignAndEmpty[k] = v
	}
	tests := []struct {
		name, secret, method string
		params               map[string]string
		want                 string
	}{
		{"doc example md5", "test", SignMD5, doc, "72CB4D809B375A54502C09360D879C64"},
		{"doc example ignores sign and empty values", "test", SignMD5, withSignAndEmpty, "72CB4D809B375A54502C09360D879C64"},
		{"articleId 101617 md5", "helloworld", SignMD5, helloworld, "66987CB115214E59E6EC978214934FB8"},
		{"RFC 2202 #1 hmac-md5", "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", SignHMAC,
			map[string]string{"Hi": " There"}, "9294727A3638BB1C13F48EF8158BFC9D"},
		{"RFC 4231 #1 hmac-sha256", "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", SignHMACSHA256,
			map[string]string{"Hi": " There"}, "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7"},
		// RFC 2202 #2 / RFC 4231 #2: key "Jefe", data "what do ya want for nothing?".
		{"RFC 2202 #2 hmac-md5", "Jefe", SignHMAC, map[string]string{"what": " do ya want for nothing?"}, "750C783E6AB0B503EAA86E310A5DB738"},
		{"RFC 4231 #2 hmac-sha256", "Jefe", SignHMACSHA256, map[string]string{"what": " do ya want for nothing?"},
			"5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sign(tc.params, tc.secret, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("Sign = %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := Sign(doc, "test", "sha1"); err == nil {
		t.Fatal("unknown sign method accepted")
	}
}
