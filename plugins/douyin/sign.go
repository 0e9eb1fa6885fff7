package douyin

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Sign methods the 抖店 gateway accepts in the sign_method query parameter.
const (
	SignHMACSHA256 = "hmac-sha256"
	SignMD5        = "md5"
)

// ParamJSON renders business parameters as 抖店's param_json: compact JSON, object
// keys sorted at every level, HTML characters (<, >, &) not escaped, numbers kept
// exactly as given. nil renders as "{}". The result is both the signed string and
// the request body, byte for byte.
//
// Source: the official Go SDK's Marshal (vendored in zsmhub/doudian-sdk
// utils/sign_util.go): marshal, decode into a map with UseNumber, re-encode with
// SetEscapeHTML(false) and trim the trailing newline; Go's encoder sorts map keys.
func ParamJSON(params any) (string, error) {
	if params == nil {
		return "{}", nil
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return "", err
	}
	return canonicalJSON(raw)
}

func canonicalJSON(raw []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	if v == nil {
		return "{}", nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// Sign computes the 抖店 open API signature.
//
// Algorithm (抖店开放平台 "签名算法" documentation; official Go SDK, vendored in
// zsmhub/doudian-sdk utils/sign_util.go; fudiwei/DotNetCore.SKIT.FlurlHttpClient.ByteDance
// DouyinShopRequestSignInterceptor.cs; summarised in ../shared/PLATFORMS.md):
//
//	s = app_secret + "app_key" + app_key + "method" + method + "param_json" + param_json
//	    + "timestamp" + timestamp + "v" + "2" + app_secret
//	sign = hex(HMAC-SHA256(key = app_secret, s))   when sign_method = hmac-sha256
//	sign = hex(MD5(s))                               when sign_method = md5 or absent
//
// lowercase hex. access_token and sign_method are not signed. timestamp is signed
// exactly as sent (Unix seconds here, as the official SDK sends).
func Sign(appKey, appSecret, method, paramJSON, timestamp, signMethod string) (string, error) {
	s := appSecret + "app_key" + appKey + "method" + method + "param_json" + paramJSON +
		"timestamp" + timestamp + "v" + "2" + appSecret
	switch signMethod {
	case SignHMACSHA256:
		h := hmac.New(sha256.New, []byte(appSecret))
		h.Write([]byte(s))
		return hex.EncodeToString(h.Sum(nil)), nil
	case SignMD5, "":
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:]), nil
	default:
		return "", fmt.Errorf("douyin: unknown sign_method %q (want hmac-sha256 or md5)", signMethod)
	}
}
