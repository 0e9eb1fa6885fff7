package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/webhook"
)

func TestSignVerify(t *testing.T) {
	secret := []byte("whsec_current")
	old := []byte("whsec_previous")
	body := []byte(`{"id":"evt_1","type":"ping"}`)
	at := time.Unix(1_800_000_000, 0)
	// The recipe of docs/webhooks.md, computed independently of Sign.
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("1800000000." + string(body)))
	recipe := hex.EncodeToString(h.Sum(nil))
	if got, want := webhook.Sign(at, body, secret), "t=1800000000,v1="+recipe; got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	both := webhook.Sign(at, body, secret, old)
	cases := []struct {
		name   string
		secret []byte
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", secret, webhook.Sign(at, body, secret), body, at, nil},
		{"valid within tolerance after", secret, webhook.Sign(at, body, secret), body, at.Add(4 * time.Minute), nil},
		{"valid within tolerance before (receiver clock behind)", secret, webhook.Sign(at, body, secret), body, at.Add(-4 * time.Minute), nil},
		{"rotation: new secret matches the first v1", secret, both, body, at, nil},
		{"rotation: old secret matches the second v1", old, both, body, at, nil},
		{"spaces after commas", secret, strings.ReplaceAll(webhook.Sign(at, body, secret), ",", ", "), body, at, nil},
		{"wrong secret", []byte("other"), webhook.Sign(at, body, secret), body, at, webhook.ErrBadSignature},
		{"body changed", secret, webhook.Sign(at, body, secret), []byte(`{"id":"evt_2","type":"ping"}`), at, webhook.ErrBadSignature},
		{"timestamp changed (signature over the old one)", secret, strings.Replace(webhook.Sign(at, body, secret), "t=1800000000", "t=1800000001", 1), body, at, webhook.ErrBadSignature},
		{"stale", secret, webhook.Sign(at, body, secret), body, at.Add(6 * time.Minute), webhook.ErrStaleSignature},
		{"from the future", secret, webhook.Sign(at, body, secret), body, at.Add(-6 * time.Minute), webhook.ErrStaleSignature},
		{"empty", secret, "", body, at, webhook.ErrMalformedSignature},
		{"no timestamp", secret, "v1=" + recipe, body, at, webhook.ErrMalformedSignature},
		{"no signature", secret, "t=1800000000", body, at, webhook.ErrMalformedSignature},
		{"bad timestamp", secret, "t=soon,v1=" + recipe, body, at, webhook.ErrMalformedSignature},
		{"two timestamps", secret, "t=1800000000,t=1800000000,v1=" + recipe, body, at, webhook.ErrMalformedSignature},
		{"unknown scheme only", secret, "t=1800000000,v0=" + recipe, body, at, webhook.ErrMalformedSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := webhook.Verify(c.secret, c.header, c.body, c.now, 0)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempts int
		r        float64
		want     time.Duration
	}{
		{0, 0.5, 30 * time.Second}, // treated as the first
		{1, 0.5, 30 * time.Second},
		{2, 0.5, 2 * time.Minute},
		{3, 0.5, 8 * time.Minute},
		{4, 0.5, 32 * time.Minute},
		{5, 0.5, 128 * time.Minute},
		{6, 0.5, 6 * time.Hour}, // capped
		{20, 0.5, 6 * time.Hour},
		{1, 0, 24 * time.Second},     // −20 %
		{1, 1, 36 * time.Second},     // +20 %
		{6, 0, 288 * time.Minute},    // jitter applies to the cap too
		{1, -3, 24 * time.Second},    // r clamped
		{1, 7, 36 * time.Second},     // r clamped
		{2, 0.25, 108 * time.Second}, // 120 s × 0.9
	}
	for _, c := range cases {
		if got := webhook.Backoff(c.attempts, c.r); got != c.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", c.attempts, c.r, got, c.want)
		}
	}
	var total time.Duration
	for n := 1; n < webhook.MaxAttempts; n++ {
		total += webhook.Backoff(n, 0.5)
	}
	if total < 12*time.Hour || total > 24*time.Hour {
		t.Errorf("the nominal schedule spans %v, documented as about 15 hours", total)
	}
}

func TestDecide(t *testing.T) {
	cases := []struct {
		name string
		a    webhook.Attempt
		want webhook.Decision
	}{
		{"200", webhook.Attempt{Number: 1, Status: 200}, webhook.Decision{Outcome: webhook.Delivered}},
		{"204 on the last attempt", webhook.Attempt{Number: webhook.MaxAttempts, Status: 204}, webhook.Decision{Outcome: webhook.Delivered}},
		{"500 first", webhook.Attempt{Number: 1, Status: 500}, webhook.Decision{Outcome: webhook.Retry, NextIn: 30 * time.Second}},
		{"no response", webhook.Attempt{Number: 2}, webhook.Decision{Outcome: webhook.Retry, NextIn: 2 * time.Minute}},
		{"redirect is a failure", webhook.Attempt{Number: 1, Status: 302}, webhook.Decision{Outcome: webhook.Retry, NextIn: 30 * time.Second}},
		{"400 retried", webhook.Attempt{Number: 3, Status: 400}, webhook.Decision{Outcome: webhook.Retry, NextIn: 8 * time.Minute}},
		{"410 gives up", webhook.Attempt{Number: 1, Status: 410}, webhook.Decision{Outcome: webhook.GiveUp}},
		{"refused address gives up", webhook.Attempt{Number: 1, Refused: true}, webhook.Decision{Outcome: webhook.GiveUp}},
		{"last attempt fails", webhook.Attempt{Number: webhook.MaxAttempts, Status: 503}, webhook.Decision{Outcome: webhook.GiveUp}},
		{"Retry-After longer than backoff", webhook.Attempt{Number: 1, Status: 429, RetryAfter: 5 * time.Minute}, webhook.Decision{Outcome: webhook.Retry, NextIn: 5 * time.Minute}},
		{"Retry-After shorter than backoff", webhook.Attempt{Number: 2, Status: 503, RetryAfter: time.Second}, webhook.Decision{Outcome: webhook.Retry, NextIn: 2 * time.Minute}},
		{"Retry-After capped", webhook.Attempt{Number: 1, Status: 429, RetryAfter: 48 * time.Hour}, webhook.Decision{Outcome: webhook.Retry, NextIn: webhook.MaxDelay}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := webhook.Decide(c.a, 0.5); got != c.want {
				t.Fatalf("Decide(%+v) = %+v, want %+v", c.a, got, c.want)
			}
		})
	}
}

func TestSubscriptions(t *testing.T) {
	cases := []struct {
		in      []webhook.Event
		want    []webhook.Event
		wantErr bool
	}{
		{nil, nil, true},
		{[]webhook.Event{webhook.Ping}, nil, true},
		{[]webhook.Event{"NOPE"}, nil, true},
		{[]webhook.Event{webhook.CampaignStateChanged, webhook.AlertRaised, webhook.AlertRaised},
			[]webhook.Event{webhook.AlertRaised, webhook.CampaignStateChanged}, false},
		{webhook.Subscribable, webhook.Subscribable, false},
	}
	for _, c := range cases {
		got, err := webhook.Subscriptions(c.in)
		if (err != nil) != c.wantErr || strings.Join(names(got), ",") != strings.Join(names(c.want), ",") {
			t.Errorf("Subscriptions(%v) = %v, %v; want %v (error %v)", c.in, got, err, c.want, c.wantErr)
		}
	}
}

func names(es []webhook.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name()
	}
	return out
}

func TestEventNames(t *testing.T) {
	want := map[webhook.Event]string{webhook.AlertRaised: "alert.raised", webhook.SyncFinished: "sync.finished",
		webhook.ContentStateChanged: "content.state_changed", webhook.CampaignStateChanged: "campaign.state_changed",
		webhook.Ping: "ping"}
	for e, n := range want {
		if e.Name() != n || !e.Valid() {
			t.Errorf("%s: Name %q Valid %v, want %q", e, e.Name(), e.Valid(), n)
		}
	}
	var e webhook.Event
	if err := e.UnmarshalGQL("SYNC_FINISHED"); err != nil || e != webhook.SyncFinished {
		t.Errorf("UnmarshalGQL: %v %v", e, err)
	}
	if err := e.UnmarshalGQL("sync.finished"); err == nil {
		t.Error("UnmarshalGQL took a wire name")
	}
}

func TestExcerpt(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"ok", 200, "ok"},
		{"  line1\nline2\r\n", 200, "line1 line2"},
		{strings.Repeat("a", 10), 4, "aaaa…"},
		{"价格价格", 7, "价格…"}, // 3 bytes per rune: cut at a rune boundary
		{"bad\xffbyte", 200, "bad\uFFFDbyte"},
	}
	for _, c := range cases {
		if got := webhook.Excerpt([]byte(c.in), c.n); got != c.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestEncodeLimit(t *testing.T) {
	if _, err := webhook.Encode(webhook.Envelope{ID: "evt", Type: "ping", Data: strings.Repeat("x", webhook.MaxPayload)}); err == nil {
		t.Fatal("an oversized payload was accepted")
	}
	b, err := webhook.Encode(webhook.Envelope{ID: "evt_1", Type: "ping", CreatedAt: time.Unix(0, 0).UTC(), OrganizationID: "7", Data: map[string]string{"a": "b"}})
	if err != nil || string(b) != `{"id":"evt_1","type":"ping","createdAt":"1970-01-01T00:00:00Z","organizationID":"7","data":{"a":"b"}}` {
		t.Fatalf("Encode = %s, %v", b, err)
	}
}
