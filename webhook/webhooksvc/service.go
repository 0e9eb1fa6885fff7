// Package webhooksvc is the thin service beside package webhook: it stores
// organizations' endpoints (secrets sealed with secretbox), writes the outbox
// of deliveries when an event happens (ent hooks on the event's own write, so
// in the same transaction when there is one), and runs the delivery worker.
//
// The worker is safe with several replicas: a delivery is claimed by a
// conditional update that raises its lease token (UPDATE … WHERE id = ? AND
// lease_token = <seen> AND state = PENDING AND the lease is free), and its
// result is written only under that token. A replica that stalls past its
// lease may have its delivery claimed and sent again by another (at-least-once,
// which is why receivers dedupe on the event id), but two live workers never
// send the same attempt.
package webhooksvc

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/webhookdelivery"
	"github.com/opsgraph/opsgraph/ent/webhookendpoint"
	"github.com/opsgraph/opsgraph/netguard"
	"github.com/opsgraph/opsgraph/secretbox"
	"github.com/opsgraph/opsgraph/webhook"
)

// Defaults of the worker.
const (
	DefaultPoll    = time.Second
	DefaultLease   = time.Minute // longer than Timeout: a claim outlives its attempt
	DefaultTimeout = 10 * time.Second
	DefaultBatch   = 16
	// RotationGrace is how long the secret replaced by rotateWebhookSecret
	// keeps signing deliveries beside the new one.
	RotationGrace = 24 * time.Hour
	// MaxEndpointsPerOrganization bounds the fan-out of one event.
	MaxEndpointsPerOrganization = 20
)

// Service manages endpoints and delivers events.
type Service struct {
	Client *ent.Client
	Box    *secretbox.Box
	Log    *slog.Logger
	// Now is the clock (nil: time.Now); tests move it to make retries due.
	Now func() time.Time
	// AllowPrivate is --allow-private-endpoints: http:// and non-public
	// addresses are accepted and dialled.
	AllowPrivate bool
	// RootCAs, when set, are the only CAs trusted for receivers (tests).
	RootCAs *x509.CertPool
	// Instance names this replica on the deliveries it claims.
	Instance string
	// Poll, Lease, Timeout and Batch time the worker; zero takes the defaults.
	Poll, Lease, Timeout time.Duration
	Batch                int
	// Rand returns the jitter's random number in [0, 1); nil is crypto-random.
	Rand func() float64
	// Registerer, when set, gets the delivery metrics.
	Registerer prometheus.Registerer

	httpClient *http.Client
	attempts   *prometheus.CounterVec
	wake       chan struct{}
	initOnce   sync.Once
}

// Init prepares the HTTP client and metrics; New callers call it once.
func (s *Service) Init() {
	s.initOnce.Do(func() {
		if s.Log == nil {
			s.Log = slog.Default()
		}
		if s.Poll == 0 {
			s.Poll = DefaultPoll
		}
		if s.Lease == 0 {
			s.Lease = DefaultLease
		}
		if s.Timeout == 0 {
			s.Timeout = DefaultTimeout
		}
		if s.Batch == 0 {
			s.Batch = DefaultBatch
		}
		s.wake = make(chan struct{}, 1)
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = nil
		if !s.AllowPrivate {
			// The dialer refuses non-public addresses whatever DNS answers now.
			t = netguard.Transport(t)
		}
		if s.RootCAs != nil {
			t.TLSClientConfig = &tls.Config{RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
		}
		t.MaxIdleConnsPerHost = 4
		s.httpClient = &http.Client{Transport: t, Timeout: s.Timeout,
			// Redirects are not followed: a 3xx is a failed attempt.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		s.attempts = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "opsgraph_webhook_attempts_total",
			Help: "Webhook delivery attempts by event and outcome (delivered, retry, give_up)."}, []string{"event", "outcome"})
		if s.Registerer != nil {
			if err := s.Registerer.Register(s.attempts); err != nil {
				s.Log.Warn("register webhook metrics", "err", err)
			}
		}
	})
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) random() float64 {
	if s.Rand != nil {
		return s.Rand()
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1<<53))
	if err != nil {
		return 0.5
	}
	return float64(n.Int64()) / (1 << 53)
}

// Wake asks the worker to look for due deliveries now.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// ---- endpoints ----

// EndpointInput is what createWebhookEndpoint and updateWebhookEndpoint take;
// nil fields of an update stay as they are.
type EndpointInput struct {
	URL         *string
	Events      []webhook.Event
	Description *string
	Enabled     *bool
}

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

func aad(id int) []byte { return []byte("webhook:" + strconv.Itoa(id)) }

func (s *Service) checkURL(ctx context.Context, raw string) (string, error) {
	u := strings.TrimSpace(raw)
	if len(u) > 2000 {
		return "", apperr.Input("url", "is longer than 2000 characters")
	}
	if err := netguard.CheckURL(ctx, u, s.AllowPrivate, nil); err != nil {
		return "", apperr.Input("url", "%s", err.Error())
	}
	return u, nil
}

// Create stores a new endpoint of org and returns it with its secret, the
// only time the secret is shown. c is the request's (transactional) client.
func (s *Service) Create(ctx context.Context, c *ent.Client, org, by int, in EndpointInput) (*ent.WebhookEndpoint, string, error) {
	if in.URL == nil {
		return nil, "", apperr.Input("url", "is required")
	}
	u, err := s.checkURL(ctx, *in.URL)
	if err != nil {
		return nil, "", err
	}
	events, err := webhook.Subscriptions(in.Events)
	if err != nil {
		return nil, "", apperr.Input("events", "%s", err.Error())
	}
	n, err := c.WebhookEndpoint.Query().Where(webhookendpoint.OrganizationID(org)).Count(ctx)
	if err != nil {
		return nil, "", err
	}
	if n >= MaxEndpointsPerOrganization {
		return nil, "", apperr.New(apperr.Conflict, "an organization has at most %d webhook endpoints", MaxEndpointsPerOrganization)
	}
	cr := c.WebhookEndpoint.Create().SetOrganizationID(org).SetURL(u).SetEvents(events).
		SetSecretSealed([]byte{}) // sealed below, bound to the id
	if in.Description != nil {
		cr.SetDescription(strings.TrimSpace(*in.Description))
	}
	if in.Enabled != nil {
		cr.SetEnabled(*in.Enabled)
	}
	if by != 0 {
		cr.SetCreatedByID(by)
	}
	ep, err := cr.Save(ctx)
	if err != nil {
		return nil, "", err
	}
	secret := newSecret()
	ep, err = c.WebhookEndpoint.UpdateOne(ep).SetSecretSealed(s.Box.Seal([]byte(secret), aad(ep.ID))).Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return ep, secret, nil
}

// Update changes an endpoint's URL, events, description or enabled flag.
func (s *Service) Update(ctx context.Context, c *ent.Client, id int, in EndpointInput) (*ent.WebhookEndpoint, error) {
	u := c.WebhookEndpoint.UpdateOneID(id)
	if in.URL != nil {
		url, err := s.checkURL(ctx, *in.URL)
		if err != nil {
			return nil, err
		}
		u.SetURL(url)
	}
	if in.Events != nil {
		events, err := webhook.Subscriptions(in.Events)
		if err != nil {
			return nil, apperr.Input("events", "%s", err.Error())
		}
		u.SetEvents(events)
	}
	if in.Description != nil {
		u.SetDescription(strings.TrimSpace(*in.Description))
	}
	if in.Enabled != nil {
		u.SetEnabled(*in.Enabled)
		if *in.Enabled {
			u.SetConsecutiveFailures(0)
		}
	}
	return u.Save(ctx)
}

// Rotate gives an endpoint a new secret, returned once; the old one keeps
// signing deliveries beside it for RotationGrace.
func (s *Service) Rotate(ctx context.Context, c *ent.Client, id int) (*ent.WebhookEndpoint, string, error) {
	ep, err := c.WebhookEndpoint.Get(ctx, id)
	if err != nil {
		return nil, "", err
	}
	secret := newSecret()
	ep, err = c.WebhookEndpoint.UpdateOne(ep).
		SetSecretSealed(s.Box.Seal([]byte(secret), aad(ep.ID))).
		SetPreviousSecretSealed(ep.SecretSealed).
		SetPreviousSecretUntil(s.now().Add(RotationGrace)).Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return ep, secret, nil
}

// Delete removes an endpoint and its delivery log.
func (s *Service) Delete(ctx context.Context, c *ent.Client, id int) error {
	return c.WebhookEndpoint.DeleteOneID(id).Exec(ctx)
}

// Replay queues a new delivery of a delivery's event to its endpoint (the
// same event id and payload, attempts from zero). The endpoint must still
// exist and be enabled.
func (s *Service) Replay(ctx context.Context, c *ent.Client, id int) (*ent.WebhookDelivery, error) {
	d, err := c.WebhookDelivery.Query().Where(webhookdelivery.ID(id)).WithEndpoint().Only(ctx)
	if err != nil {
		return nil, err
	}
	if d.State == webhookdelivery.StatePENDING {
		return nil, apperr.New(apperr.Conflict, "the delivery is still being attempted")
	}
	if ep := d.Edges.Endpoint; ep == nil || !ep.Enabled {
		return nil, apperr.New(apperr.Conflict, "the endpoint is disabled; enable it first")
	}
	nd, err := c.WebhookDelivery.Create().SetOrganizationID(d.OrganizationID).SetEndpointID(d.EndpointID).
		SetEventID(d.EventID).SetEvent(d.Event).SetPayload(d.Payload).SetNextAttemptAt(s.now()).
		SetReplayOfID(d.ID).Save(ctx)
	if err != nil {
		return nil, err
	}
	s.Wake()
	return nd, nil
}

// Ping queues a PING delivery to an endpoint, whatever it subscribes to.
func (s *Service) Ping(ctx context.Context, c *ent.Client, id int) (*ent.WebhookDelivery, error) {
	ep, err := c.WebhookEndpoint.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ep.Enabled {
		return nil, apperr.New(apperr.Conflict, "the endpoint is disabled; enable it first")
	}
	ev, payload, err := s.envelope(ep.OrganizationID, webhook.Ping, map[string]any{"endpointID": strconv.Itoa(ep.ID)})
	if err != nil {
		return nil, err
	}
	d, err := c.WebhookDelivery.Create().SetOrganizationID(ep.OrganizationID).SetEndpointID(ep.ID).
		SetEventID(ev).SetEvent(webhook.Ping).SetPayload(payload).SetNextAttemptAt(s.now()).Save(ctx)
	if err != nil {
		return nil, err
	}
	s.Wake()
	return d, nil
}

// ---- the outbox ----

func newEventID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "evt_" + hex.EncodeToString(b)
}

func (s *Service) envelope(org int, ev webhook.Event, data any) (id, payload string, err error) {
	id = newEventID()
	b, err := webhook.Encode(webhook.Envelope{ID: id, Type: ev.Name(), CreatedAt: s.now().UTC(),
		OrganizationID: strconv.Itoa(org), Data: data})
	return id, string(b), err
}

// Emit writes one PENDING delivery of the event per enabled endpoint of org
// subscribed to it, through c (the event's own transaction when it has one).
// It reads and writes as the system: whoever caused the event need not see
// webhooks.
func (s *Service) Emit(ctx context.Context, c *ent.Client, org int, ev webhook.Event, data any) error {
	if org == 0 {
		return nil
	}
	ctx = authz.SystemContext(ctx)
	eps, err := c.WebhookEndpoint.Query().
		Where(webhookendpoint.OrganizationID(org), webhookendpoint.Enabled(true)).
		Select(webhookendpoint.FieldID, webhookendpoint.FieldEvents).All(ctx)
	if err != nil || len(eps) == 0 {
		return err
	}
	var creates []*ent.WebhookDeliveryCreate
	var id, payload string
	for _, ep := range eps {
		subscribed := false
		for _, e := range ep.Events {
			subscribed = subscribed || e == ev
		}
		if !subscribed {
			continue
		}
		if payload == "" {
			if id, payload, err = s.envelope(org, ev, data); err != nil {
				return err
			}
		}
		creates = append(creates, c.WebhookDelivery.Create().SetOrganizationID(org).SetEndpointID(ep.ID).
			SetEventID(id).SetEvent(ev).SetPayload(payload).SetNextAttemptAt(s.now()))
	}
	if len(creates) == 0 {
		return nil
	}
	return c.WebhookDelivery.CreateBulk(creates...).Exec(ctx)
}

// ---- the worker ----

// Run delivers due deliveries until ctx ends, polling every Poll and when woken.
func (s *Service) Run(ctx context.Context) {
	ctx = authz.SystemContext(ctx)
	t := time.NewTicker(s.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
		for {
			n, err := s.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				s.Log.WarnContext(ctx, "webhook deliveries", "err", err)
			}
			if n < s.Batch || err != nil || ctx.Err() != nil {
				break
			}
		}
	}
}

// RunOnce claims up to Batch due deliveries and attempts each (concurrently);
// it reports how many it attempted.
func (s *Service) RunOnce(ctx context.Context) (int, error) {
	s.Init()
	ctx = authz.SystemContext(ctx)
	now := s.now()
	due, err := s.Client.WebhookDelivery.Query().
		Where(webhookdelivery.StateEQ(webhookdelivery.StatePENDING), webhookdelivery.NextAttemptAtLTE(now),
			webhookdelivery.Or(webhookdelivery.LeaseUntilIsNil(), webhookdelivery.LeaseUntilLT(now))).
		Order(ent.Asc(webhookdelivery.FieldNextAttemptAt), ent.Asc(webhookdelivery.FieldID)).
		Limit(s.Batch).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("webhook: list due deliveries: %w", err)
	}
	var wg sync.WaitGroup
	attempted := 0
	for _, d := range due {
		token, ok, err := s.claim(ctx, d, now)
		if err != nil {
			return attempted, err
		}
		if !ok {
			continue // another worker has it
		}
		attempted++
		wg.Go(func() { s.attempt(ctx, d, token) })
	}
	wg.Wait()
	return attempted, nil
}

// claim takes a delivery's lease with a conditional update; ok is false when
// another worker took it first.
func (s *Service) claim(ctx context.Context, d *ent.WebhookDelivery, now time.Time) (int64, bool, error) {
	token := d.LeaseToken + 1
	n, err := s.Client.WebhookDelivery.Update().
		Where(webhookdelivery.ID(d.ID), webhookdelivery.LeaseToken(d.LeaseToken),
			webhookdelivery.StateEQ(webhookdelivery.StatePENDING),
			webhookdelivery.Or(webhookdelivery.LeaseUntilIsNil(), webhookdelivery.LeaseUntilLT(now))).
		SetLeaseToken(token).SetLeaseUntil(now.Add(s.Lease)).SetClaimedBy(s.Instance).Save(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("webhook: claim delivery %d: %w", d.ID, err)
	}
	return token, n == 1, nil
}

// attempt sends one claimed delivery and records the result under its token.
func (s *Service) attempt(ctx context.Context, d *ent.WebhookDelivery, token int64) {
	log := s.Log.With("delivery_id", d.ID, "endpoint_id", d.EndpointID, "event", d.Event.Name())
	ep, err := s.Client.WebhookEndpoint.Get(ctx, d.EndpointID)
	if err != nil {
		log.WarnContext(ctx, "webhook endpoint", "err", err)
		return // deleted: its deliveries went with it; else retried after the lease
	}
	now := s.now()
	a := webhook.Attempt{Number: d.Attempts + 1}
	var errText string
	if !ep.Enabled {
		a.Refused, errText = true, "endpoint disabled"
	} else {
		errText = s.send(ctx, ep, d, now, &a)
	}
	dec := webhook.Decide(a, s.random())
	s.attempts.WithLabelValues(d.Event.Name(), dec.Outcome.String()).Inc()
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	done := s.now()
	u := s.Client.WebhookDelivery.Update().
		Where(webhookdelivery.ID(d.ID), webhookdelivery.LeaseToken(token), webhookdelivery.StateEQ(webhookdelivery.StatePENDING)).
		SetAttempts(a.Number).SetLastAttemptAt(now).ClearLeaseUntil().ClearClaimedBy()
	if a.Status != 0 {
		u.SetLastStatusCode(a.Status)
	} else {
		u.ClearLastStatusCode()
	}
	if errText != "" {
		u.SetLastError(webhook.Excerpt([]byte(errText), 300))
	} else {
		u.ClearLastError()
	}
	switch dec.Outcome {
	case webhook.Delivered:
		u.SetState(webhookdelivery.StateDELIVERED).SetDeliveredAt(done).ClearNextAttemptAt()
	case webhook.Retry:
		u.SetNextAttemptAt(done.Add(dec.NextIn))
	case webhook.GiveUp:
		u.SetState(webhookdelivery.StateFAILED).ClearNextAttemptAt()
	}
	n, err := u.Save(bg)
	if err != nil || n == 0 {
		log.WarnContext(ctx, "record webhook attempt (lease lost?)", "err", err, "rows", n)
		return
	}
	eu := s.Client.WebhookEndpoint.UpdateOneID(ep.ID)
	switch dec.Outcome {
	case webhook.Delivered:
		eu.SetConsecutiveFailures(0).SetLastSuccessAt(done)
	case webhook.Retry:
		eu.SetLastFailureAt(done)
	case webhook.GiveUp:
		eu.AddConsecutiveFailures(1).SetLastFailureAt(done)
	}
	if err := eu.Exec(bg); err != nil && !ent.IsNotFound(err) {
		log.WarnContext(ctx, "record webhook endpoint counters", "err", err)
	}
	log.InfoContext(ctx, "webhook attempt", "attempt", a.Number, "status", a.Status, "outcome", dec.Outcome.String())
}

// send POSTs the delivery and fills a; it returns the error text for the log
// (never the secret, at most an excerpt of the response).
func (s *Service) send(ctx context.Context, ep *ent.WebhookEndpoint, d *ent.WebhookDelivery, now time.Time, a *webhook.Attempt) string {
	secrets, err := s.secrets(ep, now)
	if err != nil {
		a.Refused = true
		return "cannot open the endpoint's secret (server key changed?)"
	}
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, strings.NewReader(d.Payload))
	if err != nil {
		a.Refused = true
		return "invalid endpoint URL"
	}
	if !s.AllowPrivate && req.URL.Scheme != "https" {
		a.Refused = true
		return "endpoint URL must be https://"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "OpsGraph-Webhooks/1")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(now, body, secrets...))
	req.Header.Set(webhook.EventIDHeader, d.EventID)
	req.Header.Set(webhook.EventHeader, d.Event.Name())
	req.Header.Set(webhook.DeliveryHeader, strconv.Itoa(d.ID))
	res, err := s.httpClient.Do(req)
	if err != nil {
		if errors.Is(err, netguard.ErrNotPublic) {
			a.Refused = true
			return "refused: the endpoint resolves to a non-public address"
		}
		return "request failed: " + scrub(err, ep.URL)
	}
	defer res.Body.Close()
	excerpt := make([]byte, webhook.ExcerptLen+1)
	n, _ := readFull(res, excerpt)
	a.Status = res.StatusCode
	if ra := res.Header.Get("Retry-After"); ra != "" {
		if sec, err := strconv.Atoi(ra); err == nil && sec > 0 {
			a.RetryAfter = time.Duration(sec) * time.Second
		}
	}
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return ""
	}
	return fmt.Sprintf("HTTP %d: %s", res.StatusCode, webhook.Excerpt(excerpt[:n], webhook.ExcerptLen))
}

// readFull reads up to len(b) bytes of the response body.
func readFull(res *http.Response, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := res.Body.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// scrub shortens a transport error and drops the URL (which may carry a
// token in its query) from it.
func scrub(err error, url string) string {
	msg := strings.ReplaceAll(err.Error(), url, "")
	msg = strings.ReplaceAll(msg, `Post "":`, "")
	return strings.TrimSpace(msg)
}

// secrets opens the endpoint's current secret and, within the rotation
// grace, the previous one.
func (s *Service) secrets(ep *ent.WebhookEndpoint, now time.Time) ([][]byte, error) {
	cur, err := s.Box.Open(ep.SecretSealed, aad(ep.ID))
	if err != nil {
		return nil, err
	}
	out := [][]byte{cur}
	if len(ep.PreviousSecretSealed) > 0 && ep.PreviousSecretUntil != nil && now.Before(*ep.PreviousSecretUntil) {
		if prev, err := s.Box.Open(ep.PreviousSecretSealed, aad(ep.ID)); err == nil {
			out = append(out, prev)
		}
	}
	return out, nil
}
