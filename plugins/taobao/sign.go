package taobao

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"sort"
	"strings"
)

// Sign methods TOP accepts in the sign_method system parameter.
const (
	SignMD5        = "md5"
	SignHMAC       = "hmac" // HMAC-MD5
	SignHMACSHA256 = "hmac-sha256"
)

// Sign computes the TOP request signature.
//
// Algorithm (Taobao Open Platform, "API调用方法详解 / 签名算法", mirrored in the
// official Java SDK TaobaoUtils.signTopRequest and in bububa/opentaobao core/client.go;
// summarised in ../shared/PLATFORMS.md):
//  1. take every request parameter except "sign" (system and business parameters
//     alike), skipping empty keys and empty values (and file uploads);
//  2. sort them by key in byte order;
//  3. concatenate key1value1key2value2… as raw UTF-8, no separators, no URL encoding;
//  4. md5:         MD5(secret + concat + secret)
//     hmac:        HMAC-MD5(key = secret, concat)
//     hmac-sha256: HMAC-SHA256(key = secret, concat);
//  5. hex-encode in UPPERCASE.
//
// Worked example from the TOP documentation: secret "test", method
// taobao.user.seller.get … → 72CB4D809B375A54502C09360D879C64 (see sign_test.go).
func Sign(params map[string]string, secret, signMethod string) (string, error) {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k == "sign" || k == "" || v == "" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(params[k])
	}
	var h hash.Hash
	switch signMethod {
	case SignMD5:
		h = md5.New()
		h.Write([]byte(secret + b.String() + secret))
	case SignHMAC:
		h = hmac.New(md5.New, []byte(secret))
		h.Write([]byte(b.String()))
	case SignHMACSHA256:
		h = hmac.New(sha256.New, []byte(secret))
		h.Write([]byte(b.String()))
	default:
		return "", fmt.Errorf("taobao: unknown sign_method %q (want md5, hmac or hmac-sha256)", signMethod)
	}
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil))), nil
}
