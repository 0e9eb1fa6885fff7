package reportsvc

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/insights"
)

// LinkTTL is how long a signed report link works.
const LinkTTL = 15 * time.Minute

// Formats of a report download.
const (
	FormatXLSX = "xlsx"
	FormatHTML = "html"
)

// Link is what a signed report link grants: one user (through the session or
// API token that created it) one report of one organization, period and format
// until Expires. Grants are checked again at download.
type Link struct {
	User    int    `json:"u"`
	Session int    `json:"s,omitempty"` // the session that created it, or
	Token   int    `json:"k,omitempty"` // the API token that created it
	Org     int    `json:"o"`
	Kind    string `json:"p"` // period kind
	From    string `json:"f"` // first day
	To      string `json:"t"` // last day (included)
	Format  string `json:"x"` // xlsx or html
	Expires int64  `json:"e"` // unix seconds
}

// Link errors; both mean "ask for a new link".
var (
	ErrLinkInvalid = errors.New("the report link is invalid")
	ErrLinkExpired = errors.New("the report link has expired")
)

// Signer signs and checks report links with a key derived from the server's
// secret key (never the secret key itself).
type Signer struct{ key []byte }

// NewSigner derives the link key from the server's secret key.
func NewSigner(secret []byte) *Signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("opsgraph report link v1"))
	return &Signer{key: m.Sum(nil)}
}

func (s *Signer) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

var b64 = base64.RawURLEncoding

// Sign returns the link's token: base64url(JSON) "." base64url(HMAC-SHA256).
func (s *Signer) Sign(l Link) string {
	j, _ := json.Marshal(l) // plain ints and strings: cannot fail
	p := b64.EncodeToString(j)
	return p + "." + b64.EncodeToString(s.mac(p))
}

// Verify checks a token's signature and expiry and returns its link.
func (s *Signer) Verify(token string, now time.Time) (Link, error) {
	var l Link
	p, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 1024 {
		return l, ErrLinkInvalid
	}
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(p)) {
		return l, ErrLinkInvalid
	}
	j, err := b64.DecodeString(p)
	if err != nil || json.Unmarshal(j, &l) != nil || l.User == 0 || l.Org == 0 {
		return Link{}, ErrLinkInvalid
	}
	if now.Unix() >= l.Expires {
		return Link{}, ErrLinkExpired
	}
	return l, nil
}

// Period is the link's period.
func (l Link) Period() (insights.Period, error) {
	from, err := insights.ParseDate(l.From)
	if err != nil {
		return insights.Period{}, ErrLinkInvalid
	}
	to, err := insights.ParseDate(l.To)
	if err != nil {
		return insights.Period{}, ErrLinkInvalid
	}
	var p insights.Period
	if insights.Granularity(l.Kind) == insights.Custom {
		p, err = insights.CustomPeriod(from, to)
	} else {
		p, err = insights.PeriodOf(insights.Granularity(l.Kind), from)
	}
	if err != nil || p.From.String() != l.From || p.Last().String() != l.To {
		return insights.Period{}, ErrLinkInvalid
	}
	return p, nil
}

// LinkFor is the link of a period.
func LinkFor(user, session, token, org int, p insights.Period, format string, expires time.Time) Link {
	return Link{User: user, Session: session, Token: token, Org: org, Kind: string(p.Kind),
		From: p.From.String(), To: p.Last().String(), Format: format, Expires: expires.Unix()}
}
