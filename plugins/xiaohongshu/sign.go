package xiaohongshu

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
)

// Sign computes the 小红书 ark open platform signature.
//
// Algorithm (ark open platform "签名规则"; zsmhub/xhs-sdk api/api_tool.go MakeSign;
// summarised in ../shared/PLATFORMS.md):
//
//	sign = lowercase hex MD5(method + "?appId=" + appId + "&timestamp=" + timestamp
//	                         + "&version=" + version + appSecret)
//
// timestamp is Unix seconds, version "2.0". Business parameters and accessToken are
// not signed.
func Sign(method, appID, appSecret, version string, timestamp int64) string {
	sum := md5.Sum([]byte(method + "?appId=" + appID + "&timestamp=" + strconv.FormatInt(timestamp, 10) +
		"&version=" + version + appSecret))
	return hex.EncodeToString(sum[:])
}
