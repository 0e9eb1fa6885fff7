package sdk

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
)

// Redacted is what secrets are replaced with wherever the SDK formats or logs them.
const Redacted = "[REDACTED]"

// IsSecretKey reports whether a credential or log key names a secret: anything
// containing secret, token, password, passwd, sign, key (except the public
// "app_key"/"client_id" style identifiers listed in publicKeys) or credential.
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	if publicKeys[k] {
		return false
	}
	for _, s := range []string{"secret", "token", "password", "passwd", "credential", "sign", "cookie", "authorization", "private", "key"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// publicKeys are identifiers that platforms publish in every request and that
// are useful in logs.
var publicKeys = map[string]bool{
	"app_key": true, "appkey": true, "app_id": true, "appid": true,
	"client_id": true, "partner_id": true, "shop_id": true, "method": true,
	"sign_method": true, // the algorithm's name (md5, hmac-sha256), not a signature
}

// String formats a Connection without its secrets: credential names are shown,
// secret credential values and tokens are replaced by [REDACTED]. fmt's %v, %+v
// and %s use it, so logging a Connection (or a request that embeds one) is safe.
func (c Connection) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "{Endpoint:%s ShopID:%s Credentials:map[", c.Endpoint, c.ShopID)
	keys := make([]string, 0, len(c.Credentials))
	for k := range c.Credentials {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		v := c.Credentials[k]
		if IsSecretKey(k) {
			v = Redacted
		}
		fmt.Fprintf(&b, "%s:%s", k, v)
	}
	fmt.Fprintf(&b, "] AccessToken:%s RefreshToken:%s}", redactNonEmpty(c.AccessToken), redactNonEmpty(c.RefreshToken))
	return b.String()
}

// GoString is used by %#v; it redacts like String.
func (c Connection) GoString() string { return "sdk.Connection" + c.String() }

// LogValue makes slog log a Connection without its secrets.
func (c Connection) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String formats a Token with its access and refresh tokens redacted.
func (t Token) String() string {
	return fmt.Sprintf("{AccessToken:%s RefreshToken:%s ExpiresAt:%s ShopID:%s ShopName:%s}",
		redactNonEmpty(t.AccessToken), redactNonEmpty(t.RefreshToken), t.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"), t.ShopID, t.ShopName)
}

// GoString is used by %#v; it redacts like String.
func (t Token) GoString() string { return "sdk.Token" + t.String() }

// LogValue makes slog log a Token without its secrets.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

func redactNonEmpty(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}
