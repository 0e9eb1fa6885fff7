// Package webhook holds the rules of OpsGraph's outgoing webhooks: the events
// an organization can subscribe to, the envelope every delivery carries, how
// a delivery is signed (and how a receiver verifies it: Verify is exported for
// receivers written in Go), the retry schedule and when to give up. It is
// pure: no database, no HTTP client, no GraphQL. The service that stores
// endpoints and deliveries and sends them is webhook/webhooksvc.
//
// A receiver verifies a delivery like this (docs/webhooks.md has the recipe
// for other languages):
//
//	body, _ := io.ReadAll(r.Body)
//	if err := webhook.Verify(secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), webhook.DefaultTolerance); err != nil {
//		http.Error(w, "bad signature", http.StatusBadRequest)
//		return
//	}
//	// dedupe on r.Header.Get(webhook.EventIDHeader), then handle the event
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is a kind of event an endpoint subscribes to. Its GraphQL enum is
// WebhookEvent; its name on the wire (the envelope's type and the
// X-OpsGraph-Event header) is Event.Name.
type Event string

// The events. Ping is sent by pingWebhookEndpoint only and needs no subscription.
const (
	AlertRaised          Event = "ALERT_RAISED"
	SyncFinished         Event = "SYNC_FINISHED"
	ContentStateChanged  Event = "CONTENT_STATE_CHANGED"
	CampaignStateChanged Event = "CAMPAIGN_STATE_CHANGED"
	Ping                 Event = "PING"
)

// Subscribable lists the events an endpoint may subscribe to.
var Subscribable = []Event{AlertRaised, SyncFinished, ContentStateChanged, CampaignStateChanged}

// Valid reports whether e is a known event (Ping included).
func (e Event) Valid() bool { return e == Ping || slices.Contains(Subscribable, e) }

// Name is the event's name on the wire: "alert.raised", "sync.finished",
// "content.state_changed", "campaign.state_changed", "ping".
func (e Event) Name() string {
	switch e {
	case AlertRaised:
		return "alert.raised"
	case SyncFinished:
		return "sync.finished"
	case ContentStateChanged:
		return "content.state_changed"
	case CampaignStateChanged:
		return "campaign.state_changed"
	case Ping:
		return "ping"
	}
	return strings.ToLower(string(e))
}

// MarshalGQL writes the event as a GraphQL enum value.
func (e Event) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(e))) }

// UnmarshalGQL reads a GraphQL enum value.
func (e *Event) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok || !Event(s).Valid() {
		return fmt.Errorf("%v is not a valid WebhookEvent", v)
	}
	*e = Event(s)
	return nil
}

// Subscriptions validates the events of an endpoint: at least one, each
// subscribable (not PING), duplicates removed, in the order of Subscribable.
func Subscriptions(in []Event) ([]Event, error) {
	if len(in) == 0 {
		return nil, errors.New("subscribe to at least one event")
	}
	for _, e := range in {
		if !slices.Contains(Subscribable, e) {
			return nil, fmt.Errorf("%s cannot be subscribed to", e)
		}
	}
	var out []Event
	for _, e := range Subscribable {
		if slices.Contains(in, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Envelope is the JSON body of every delivery.
type Envelope struct {
	// ID identifies the event; a replay carries the same id, so receivers
	// dedupe on it (it is also in the X-OpsGraph-Event-ID header).
	ID string `json:"id"`
	// Type is the event's wire name (Event.Name).
	Type string `json:"type"`
	// CreatedAt is when the event happened.
	CreatedAt time.Time `json:"createdAt"`
	// OrganizationID is the organization the event belongs to (a GraphQL ID).
	OrganizationID string `json:"organizationID"`
	// Data is the event's object, as described in docs/webhooks.md.
	Data any `json:"data"`
}

// MaxPayload is the largest envelope stored and sent (bytes).
const MaxPayload = 64 << 10

// Encode renders an envelope; an envelope over MaxPayload is refused.
func Encode(e Envelope) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxPayload {
		return nil, fmt.Errorf("webhook payload of %d bytes exceeds %d", len(b), MaxPayload)
	}
	return b, nil
}

// Headers sent with every delivery.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256>" (one v1
	// per valid secret while a rotated secret is still honoured).
	SignatureHeader = "X-OpsGraph-Signature"
	// EventIDHeader carries the event id (receivers dedupe on it).
	EventIDHeader = "X-OpsGraph-Event-ID"
	// EventHeader carries the event's wire name.
	EventHeader = "X-OpsGraph-Event"
	// DeliveryHeader carries the delivery's id (differs per attempt series and replay).
	DeliveryHeader = "X-OpsGraph-Delivery"
)

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock before Verify refuses it (replayed captures).
const DefaultTolerance = 5 * time.Minute

// mac is hex(HMAC-SHA256(secret, "<t>.<body>")).
func mac(secret []byte, t int64, body []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(strconv.FormatInt(t, 10)))
	h.Write([]byte{'.'})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Sign returns the SignatureHeader value for body sent at t, with one v1
// signature per secret (the current secret first, then a rotated one still
// honoured). It needs at least one secret.
func Sign(t time.Time, body []byte, secrets ...[]byte) string {
	ts := t.Unix()
	var b strings.Builder
	b.WriteString("t=")
	b.WriteString(strconv.FormatInt(ts, 10))
	for _, s := range secrets {
		b.WriteString(",v1=")
		b.WriteString(mac(s, ts, body))
	}
	return b.String()
}

// Verification errors.
var (
	ErrMalformedSignature = errors.New("webhook: malformed signature header")
	ErrStaleSignature     = errors.New("webhook: signature timestamp outside the tolerance")
	ErrBadSignature       = errors.New("webhook: no signature matches")
)

// Verify checks a delivery as a receiver should: the header parses, its
// timestamp is within tolerance of now (either side), and one of its v1
// signatures equals HMAC-SHA256(secret, "<t>.<body>") over the raw body,
// compared in constant time. tolerance 0 is DefaultTolerance.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts int64
	haveT := false
	var sigs []string
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrMalformedSignature
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || haveT {
				return ErrMalformedSignature
			}
			ts, haveT = n, true
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if !haveT || len(sigs) == 0 {
		return ErrMalformedSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrStaleSignature
	}
	want := []byte(mac(secret, ts, body))
	for _, s := range sigs {
		if hmac.Equal([]byte(s), want) {
			return nil
		}
	}
	return ErrBadSignature
}

// Retry schedule.
const (
	// MaxAttempts is how many times a delivery is tried before it is given up.
	MaxAttempts = 8
	// BaseDelay is the wait after the first failed attempt; each later wait
	// is four times the one before, up to MaxDelay.
	BaseDelay = 30 * time.Second
	// MaxDelay caps one wait.
	MaxDelay = 6 * time.Hour
	// Jitter spreads each wait by ±20 % so that endpoints that failed together
	// are not retried together.
	Jitter = 0.2
)

// Backoff is the wait after the attempts-th failed attempt (1-based): 30 s,
// 2 m, 8 m, 32 m, 2 h 8 m, then 6 h, each times 1 + Jitter·(2·r − 1) for r
// in [0, 1) (a random number; 0.5 gives the nominal wait). The schedule of
// MaxAttempts attempts spans about 15 hours.
func Backoff(attempts int, r float64) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	d := float64(BaseDelay) * math.Pow(4, float64(attempts-1))
	d = min(d, float64(MaxDelay))
	r = min(max(r, 0), 1)
	return time.Duration(d * (1 + Jitter*(2*r-1)))
}

// Outcome is what one attempt's result means for the delivery.
type Outcome int

// The outcomes.
const (
	// Delivered: the receiver answered 2xx.
	Delivered Outcome = iota
	// Retry: try again after NextIn.
	Retry
	// GiveUp: the delivery failed for good (replayable by hand).
	GiveUp
)

func (o Outcome) String() string {
	switch o {
	case Delivered:
		return "delivered"
	case Retry:
		return "retry"
	}
	return "give_up"
}

// Attempt is the result of one attempt.
type Attempt struct {
	// Number is this attempt's number, 1-based.
	Number int
	// Status is the HTTP status code, 0 when no response came (timeout,
	// refused connection, TLS failure).
	Status int
	// Refused: the address was refused by the private-address rule; no
	// retry changes that by itself.
	Refused bool
	// RetryAfter is the receiver's Retry-After (429, 503), 0 if none.
	RetryAfter time.Duration
}

// Decision is what to do after an attempt.
type Decision struct {
	Outcome Outcome
	NextIn  time.Duration // for Retry
}

// Decide applies the retry rules: 2xx is delivered; 410 Gone and a refused
// address give up at once; anything else (no response, 3xx — redirects are
// not followed —, 4xx, 5xx) is retried with Backoff until MaxAttempts, and a
// Retry-After longer than the backoff (up to MaxDelay) is honoured. r is the
// jitter's random number.
func Decide(a Attempt, r float64) Decision {
	switch {
	case a.Status >= 200 && a.Status < 300:
		return Decision{Outcome: Delivered}
	case a.Refused, a.Status == 410, a.Number >= MaxAttempts:
		return Decision{Outcome: GiveUp}
	}
	next := Backoff(a.Number, r)
	if a.RetryAfter > next {
		next = min(a.RetryAfter, MaxDelay)
	}
	return Decision{Outcome: Retry, NextIn: next}
}

// ExcerptLen is how much of a response body is kept.
const ExcerptLen = 200

// Excerpt keeps at most n bytes of a receiver's response (or an error
// message) for the delivery log: valid UTF-8, control characters replaced
// by spaces, cut at a rune boundary with "…" when longer.
func Excerpt(b []byte, n int) string {
	var out strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			r = '\uFFFD'
		}
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		if out.Len()+utf8.RuneLen(r) > n {
			return strings.TrimSpace(out.String()) + "…"
		}
		out.WriteRune(r)
		b = b[size:]
	}
	return strings.TrimSpace(out.String())
}
