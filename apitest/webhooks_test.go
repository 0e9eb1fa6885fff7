package apitest

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/alerts"
	"github.com/opsgraph/opsgraph/alerts/alertsvc"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/ent/webhookdelivery"
	"github.com/opsgraph/opsgraph/ent/webhookendpoint"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/webhook"
	"github.com/opsgraph/opsgraph/webhook/webhooksvc"
)

// receiver is a webhook receiver as an integrator would write one: it
// verifies every request with the exported webhook.Verify against its clock
// (the server's test clock) and records what it accepted.
type receiver struct {
	srv   *httptest.Server
	clock func() time.Time

	mu       sync.Mutex
	secret   []byte
	status   func(n int) int // status of the n-th request (1-based); nil: 200
	requests int
	got      []received
	bad      []string // requests whose signature did not verify
}

type received struct {
	eventID, event, delivery, signature string
	env                                 map[string]any
}

func newReceiver(t *testing.T, tls bool, clock func() time.Time) *receiver {
	r := &receiver{clock: clock}
	h := http.HandlerFunc(r.serve)
	if tls {
		r.srv = httptest.NewTLSServer(h)
	} else {
		r.srv = httptest.NewServer(h)
	}
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(r.srv.Certificate())
	return p
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if err := webhook.Verify(r.secret, req.Header.Get(webhook.SignatureHeader), body, r.clock(), 0); err != nil {
		r.bad = append(r.bad, err.Error())
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	status := http.StatusOK
	if r.status != nil {
		status = r.status(r.requests)
	}
	if status >= 300 {
		w.WriteHeader(status)
		_, _ = w.Write([]byte("boom\n" + strings.Repeat("x", 1000)))
		return
	}
	var env map[string]any
	_ = json.Unmarshal(body, &env)
	r.got = append(r.got, received{eventID: req.Header.Get(webhook.EventIDHeader), event: req.Header.Get(webhook.EventHeader),
		delivery: req.Header.Get(webhook.DeliveryHeader), signature: req.Header.Get(webhook.SignatureHeader), env: env})
	w.WriteHeader(status)
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = []byte(s)
}

func (r *receiver) accepted() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (r *receiver) counts() (requests, bad int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests, len(r.bad)
}

const createEndpoint = `mutation($in: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $in) {
	secret webhookEndpoint { id url events enabled organizationID } } }`

type createdEndpoint struct {
	CreateWebhookEndpoint struct {
		Secret          string
		WebhookEndpoint struct {
			ID, URL, OrganizationID string
			Events                  []string
			Enabled                 bool
		}
	}
}

func mustCreateEndpoint(t *testing.T, env *testenv.Env, tok string, org int, url string, events ...string) (id int, secret string) {
	t.Helper()
	var out createdEndpoint
	mustOK(t, env, tok, createEndpoint, map[string]any{"in": map[string]any{"organizationID": sid(org), "url": url, "events": events}}, &out)
	ep := out.CreateWebhookEndpoint
	if !strings.HasPrefix(ep.Secret, "whsec_") || len(ep.Secret) < 40 {
		t.Fatalf("secret %q", ep.Secret)
	}
	var n int
	_, _ = fmt.Sscan(ep.WebhookEndpoint.ID, &n)
	return n, ep.Secret
}

type deliveryView struct {
	ID, EventID, Event, State, Payload string
	Attempts                           int
	LastStatusCode                     *int
	LastError                          *string
	NextAttemptAt, DeliveredAt         *time.Time
	ReplayOfID                         *string
}

const deliveriesQuery = `query { webhookDeliveries(first: 100) { totalCount edges { node {
	id eventID event state payload attempts lastStatusCode lastError nextAttemptAt deliveredAt replayOfID } } } }`

func deliveries(t *testing.T, env *testenv.Env, tok string) []deliveryView {
	t.Helper()
	var out struct {
		WebhookDeliveries struct {
			Edges []struct{ Node deliveryView }
		}
	}
	mustOK(t, env, tok, deliveriesQuery, nil, &out)
	ds := make([]deliveryView, len(out.WebhookDeliveries.Edges))
	for i, e := range out.WebhookDeliveries.Edges {
		ds[i] = e.Node
	}
	return ds
}

func runWorker(t *testing.T, env *testenv.Env) int {
	t.Helper()
	n, err := env.App.Webhooks.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

// TestWebhookEventsDelivered: each of the four events, caused through the
// API or the service that raises it, reaches an HTTPS receiver signed with
// the endpoint's secret; the delivery log says DELIVERED.
func TestWebhookEventsDelivered(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		clock := testenv.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
		rcv := newReceiver(t, true, clock.Now)
		env := testenv.New(t, be, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now), testenv.WithWebhookRootCAs(rcv.pool()))
		org := env.Org(t, "Brand", 0)
		owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		tok := env.Login(t, "owner@brand.test")
		st := env.Client.Store.Create().SetName("Flagship").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
		ct := env.Client.Content.Create().SetStoreID(st.ID).SetTitle("Spring lookbook").SetKind(content.KindARTICLE).SetAuthorID(owner).SaveX(sys)
		start := time.Date(2030, 4, 1, 0, 0, 0, 0, time.UTC)
		cp := env.Client.Campaign.Create().SetStoreID(st.ID).SetName("Spring coupon").SetKind(campaign.KindCOUPON).
			SetStartsAt(start).SetEndsAt(start.Add(72 * time.Hour)).
			SetRules(schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: 500, MinSpend: 5000, Quantity: 100, PerUser: 1}}).SaveX(sys)
		job := env.Client.SyncJob.Create().SetStoreID(st.ID).SetWhat([]string{"PRODUCTS"}).SaveX(sys)

		id, secret := mustCreateEndpoint(t, env, tok, org, rcv.srv.URL+"/hooks",
			"ALERT_RAISED", "SYNC_FINISHED", "CONTENT_STATE_CHANGED", "CAMPAIGN_STATE_CHANGED")
		rcv.setSecret(secret)

		mustOK(t, env, tok, `mutation($id: ID!) { submitContent(id: $id) { status } }`, vars("id", ct.ID), nil)
		mustOK(t, env, tok, `mutation($id: ID!) { cancelCampaign(id: $id) { status } }`, vars("id", cp.ID), nil)
		mustOK(t, env, tok, `mutation($id: ID!) { cancelSyncJob(id: $id) { status } }`, vars("id", job.ID), nil)
		if _, raised, err := alertsvcRaise(env, org); err != nil || !raised {
			t.Fatalf("raise alert: %v %v", raised, err)
		}
		if n := runWorker(t, env); n != 4 {
			t.Fatalf("worker attempted %d deliveries, want 4", n)
		}
		if _, bad := rcv.counts(); bad != 0 {
			t.Fatalf("%d requests failed verification: %v", bad, rcv.bad)
		}
		got := map[string]received{}
		for _, r := range rcv.accepted() {
			got[r.event] = r
			if r.env["id"] != r.eventID || r.env["type"] != r.event || r.env["organizationID"] != sid(org) {
				t.Errorf("envelope %v does not match headers %+v", r.env, r)
			}
		}
		data := func(ev, key string) map[string]any {
			r, ok := got[ev]
			if !ok {
				t.Fatalf("no %s delivered; got %v", ev, got)
			}
			d, _ := r.env["data"].(map[string]any)
			o, _ := d[key].(map[string]any)
			return o
		}
		if c := data("content.state_changed", "content"); c["id"] != sid(ct.ID) || c["from"] != "DRAFT" || c["to"] != "IN_REVIEW" {
			t.Errorf("content.state_changed data %v", c)
		}
		if c := data("campaign.state_changed", "campaign"); c["id"] != sid(cp.ID) || c["from"] != "DRAFT" || c["to"] != "CANCELLED" {
			t.Errorf("campaign.state_changed data %v", c)
		}
		if j := data("sync.finished", "syncJob"); j["id"] != sid(job.ID) || j["status"] != "CANCELED" || j["storeID"] != sid(st.ID) {
			t.Errorf("sync.finished data %v", j)
		}
		if a := data("alert.raised", "alert"); a["kind"] != "STOCK_LOW" || a["subject"] != "sku:1" {
			t.Errorf("alert.raised data %v", a)
		}
		ds := deliveries(t, env, tok)
		if len(ds) != 4 {
			t.Fatalf("delivery log has %d rows, want 4", len(ds))
		}
		for _, d := range ds {
			if d.State != "DELIVERED" || d.Attempts != 1 || d.LastStatusCode == nil || *d.LastStatusCode != 200 ||
				d.DeliveredAt == nil || d.NextAttemptAt != nil {
				t.Errorf("delivery %+v, want DELIVERED after one 200", d)
			}
		}
		var ep struct {
			Node struct {
				ConsecutiveFailures int
				LastSuccessAt       *time.Time
			}
		}
		mustOK(t, env, tok, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { consecutiveFailures lastSuccessAt } } }`, vars("id", id), &ep)
		if ep.Node.LastSuccessAt == nil || !ep.Node.LastSuccessAt.Equal(clock.Now()) {
			t.Errorf("endpoint lastSuccessAt %v, want %v", ep.Node.LastSuccessAt, clock.Now())
		}
		if n := runWorker(t, env); n != 0 {
			t.Errorf("a second run attempted %d deliveries", n)
		}
	})
}

// TestWebhookSubscriptionsAndDisabled: an endpoint gets only the events it
// subscribes to, and a disabled endpoint gets none.
func TestWebhookSubscriptionsAndDisabled(t *testing.T) {
	clock := testenv.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
	alertsOnly := newReceiver(t, false, clock.Now)
	off := newReceiver(t, false, clock.Now)
	env := testenv.New(t, testenv.SQLite, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now))
	org := env.Org(t, "Brand", 0)
	env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleAdmin})
	tok := env.Login(t, "owner@brand.test")
	_, s1 := mustCreateEndpoint(t, env, tok, org, alertsOnly.srv.URL, "ALERT_RAISED")
	alertsOnly.setSecret(s1)
	offID, s2 := mustCreateEndpoint(t, env, tok, org, off.srv.URL, "ALERT_RAISED", "CONTENT_STATE_CHANGED")
	off.setSecret(s2)
	mustOK(t, env, tok, `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {enabled: false}) { enabled } }`, vars("id", offID), nil)
	st := env.Client.Store.Create().SetName("S").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
	ct := env.Client.Content.Create().SetStoreID(st.ID).SetTitle("T").SetKind(content.KindARTICLE).SaveX(sys)
	env.Client.Content.UpdateOneID(ct.ID).SetStatus(content.StatusIN_REVIEW).ExecX(sys)
	if _, _, err := alertsvcRaise(env, org); err != nil {
		t.Fatal(err)
	}
	runWorker(t, env)
	if got := alertsOnly.accepted(); len(got) != 1 || got[0].event != "alert.raised" {
		t.Errorf("ALERT_RAISED-only endpoint got %+v", got)
	}
	if n, _ := off.counts(); n != 0 {
		t.Errorf("disabled endpoint got %d requests", n)
	}
}

// TestWebhookRetriesAndReplay: a receiver that fails is retried on the
// backoff schedule until it answers 2xx; one that always fails is given up
// after MaxAttempts, and a replay sends the same event again.
func TestWebhookRetriesAndReplay(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		clock := testenv.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
		flaky := newReceiver(t, false, clock.Now)
		flaky.status = func(n int) int {
			if n <= 2 {
				return http.StatusInternalServerError
			}
			return http.StatusNoContent
		}
		env := testenv.New(t, be, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now))
		env.App.Webhooks.Rand = func() float64 { return 0.5 } // nominal waits
		org := env.Org(t, "Brand", 0)
		env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		tok := env.Login(t, "owner@brand.test")
		id, secret := mustCreateEndpoint(t, env, tok, org, flaky.srv.URL, "ALERT_RAISED")
		flaky.setSecret(secret)
		mustOK(t, env, tok, `mutation($id: ID!) { pingWebhookEndpoint(id: $id) { state event } }`, vars("id", id), nil)

		one := func() deliveryView {
			t.Helper()
			ds := deliveries(t, env, tok)
			if len(ds) != 1 {
				t.Fatalf("%d deliveries, want 1", len(ds))
			}
			return ds[0]
		}
		runWorker(t, env)
		d := one()
		if d.State != "PENDING" || d.Attempts != 1 || *d.LastStatusCode != 500 || d.NextAttemptAt == nil ||
			!d.NextAttemptAt.Equal(clock.Now().Add(30*time.Second)) {
			t.Fatalf("after a 500: %+v, want PENDING, next attempt in 30 s", d)
		}
		if d.LastError == nil || !strings.HasPrefix(*d.LastError, "HTTP 500: boom") || len(*d.LastError) > 300 {
			t.Errorf("lastError %v: want an excerpt of the response", d.LastError)
		}
		if n := runWorker(t, env); n != 0 {
			t.Fatalf("attempted %d deliveries before the backoff elapsed", n)
		}
		clock.Advance(30 * time.Second)
		runWorker(t, env)
		if d = one(); d.Attempts != 2 || !d.NextAttemptAt.Equal(clock.Now().Add(2*time.Minute)) {
			t.Fatalf("after the second 500: %+v, want the next attempt in 2 m", d)
		}
		clock.Advance(2 * time.Minute)
		runWorker(t, env)
		if d = one(); d.State != "DELIVERED" || d.Attempts != 3 || *d.LastStatusCode != 204 || d.LastError != nil && *d.LastError != "" {
			t.Fatalf("after a 204: %+v", d)
		}
		if got := flaky.accepted(); len(got) != 1 || got[0].event != "ping" {
			t.Fatalf("receiver accepted %+v", got)
		}

		// A receiver that always fails: given up after MaxAttempts.
		flaky.mu.Lock()
		flaky.status = func(int) int { return http.StatusServiceUnavailable }
		flaky.mu.Unlock()
		var ping struct{ PingWebhookEndpoint struct{ ID string } }
		mustOK(t, env, tok, `mutation($id: ID!) { pingWebhookEndpoint(id: $id) { id } }`, vars("id", id), &ping)
		for i := 0; i < webhook.MaxAttempts; i++ {
			if n := runWorker(t, env); n != 1 {
				t.Fatalf("attempt %d: worker attempted %d", i+1, n)
			}
			clock.Advance(webhook.MaxDelay + time.Hour)
		}
		tok = env.Login(t, "owner@brand.test") // the session expired meanwhile
		if n := runWorker(t, env); n != 0 {
			t.Fatalf("a given-up delivery was attempted again")
		}
		var failed deliveryView
		for _, d := range deliveries(t, env, tok) {
			if d.ID == ping.PingWebhookEndpoint.ID {
				failed = d
			}
		}
		if failed.State != "FAILED" || failed.Attempts != webhook.MaxAttempts || failed.NextAttemptAt != nil {
			t.Fatalf("after %d failures: %+v", webhook.MaxAttempts, failed)
		}
		var ep struct {
			Node struct{ ConsecutiveFailures int }
		}
		mustOK(t, env, tok, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { consecutiveFailures } } }`, vars("id", id), &ep)
		if ep.Node.ConsecutiveFailures != 1 {
			t.Errorf("consecutiveFailures %d, want 1", ep.Node.ConsecutiveFailures)
		}

		// Replay once the receiver is fixed: a new delivery, same event.
		flaky.mu.Lock()
		flaky.status = nil
		flaky.mu.Unlock()
		var rep struct {
			ReplayWebhookDelivery struct{ ID, EventID, State, ReplayOfID string }
		}
		mustOK(t, env, tok, `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id eventID state replayOfID } }`,
			map[string]any{"id": failed.ID}, &rep)
		r := rep.ReplayWebhookDelivery
		if r.ID == failed.ID || r.EventID != failed.EventID || r.State != "PENDING" || r.ReplayOfID != failed.ID {
			t.Fatalf("replay %+v of %+v", r, failed)
		}
		runWorker(t, env)
		got := flaky.accepted()
		if len(got) != 2 || got[1].eventID != failed.EventID || got[1].delivery != r.ID {
			t.Fatalf("after replay the receiver accepted %+v", got)
		}
		res := gql(t, env, tok, `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, map[string]any{"id": r.ID})
		wantOK(t, res) // a delivered one may be replayed too
		mustOK(t, env, tok, `mutation($id: ID!) { pingWebhookEndpoint(id: $id) { id } }`, vars("id", id), nil)
		ds := deliveries(t, env, tok)
		res = gql(t, env, tok, `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, map[string]any{"id": ds[len(ds)-1].ID})
		wantCode(t, res, "CONFLICT") // still pending
	})
}

// TestWebhookNoRedirects: a 3xx is a failed attempt; the worker does not follow it.
func TestWebhookNoRedirects(t *testing.T) {
	clock := testenv.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
	target := newReceiver(t, false, clock.Now)
	redirect := httptest.NewServer(http.RedirectHandler(target.srv.URL, http.StatusTemporaryRedirect))
	t.Cleanup(redirect.Close)
	env := testenv.New(t, testenv.SQLite, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now))
	org := env.Org(t, "Brand", 0)
	env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	tok := env.Login(t, "owner@brand.test")
	id, _ := mustCreateEndpoint(t, env, tok, org, redirect.URL, "ALERT_RAISED")
	mustOK(t, env, tok, `mutation($id: ID!) { pingWebhookEndpoint(id: $id) { id } }`, vars("id", id), nil)
	runWorker(t, env)
	d := deliveries(t, env, tok)[0]
	if d.State != "PENDING" || d.LastStatusCode == nil || *d.LastStatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("after a redirect: %+v", d)
	}
	if n, _ := target.counts(); n != 0 {
		t.Fatalf("the redirect was followed (%d requests at its target)", n)
	}
}

// TestWebhookPrivateAddresses: without --allow-private-endpoints an endpoint
// must be https:// on a public address when saved, and a stored endpoint that
// leads to a private address (DNS rebinding, or a row planted behind the
// API's back) is refused at dial time: nothing reaches it.
func TestWebhookPrivateAddresses(t *testing.T) {
	clock := testenv.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
	rcv := newReceiver(t, true, clock.Now)
	env := testenv.New(t, testenv.SQLite, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now),
		testenv.WithPrivateEndpointsRefused(), testenv.WithWebhookRootCAs(rcv.pool()))
	org := env.Org(t, "Brand", 0)
	env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	tok := env.Login(t, "owner@brand.test")
	for _, url := range []string{
		rcv.srv.URL,                   // https://127.0.0.1:port
		"https://10.0.0.8/hook",       // private
		"https://169.254.169.254/x",   // cloud metadata
		"https://[::1]:8443/hook",     // loopback v6
		"http://hooks.example.com/x",  // not https
		"https://user:pw@example.com", // credentials in the URL
		"not a url",
	} {
		res := gql(t, env, tok, createEndpoint, map[string]any{"in": map[string]any{"organizationID": sid(org), "url": url, "events": []string{"ALERT_RAISED"}}})
		wantCode(t, res, "BAD_USER_INPUT")
		if f, _ := res.Errors[0].Extensions["field"].(string); f != "url" {
			t.Errorf("%s: error field %q, want url", url, f)
		}
	}
	if n, err := env.Client.WebhookEndpoint.Query().Count(sys); err != nil || n != 0 {
		t.Fatalf("%d endpoints stored, %v", n, err)
	}
	// A row that got past the check (its host resolved to a public address
	// then, to 127.0.0.1 now): the dialer refuses it.
	ep := env.Client.WebhookEndpoint.Create().SetOrganizationID(org).SetURL(rcv.srv.URL).
		SetEvents([]webhook.Event{webhook.AlertRaised}).SetSecretSealed([]byte{}).SaveX(sys)
	env.Client.WebhookEndpoint.UpdateOne(ep).SetSecretSealed(env.App.Box.Seal([]byte("whsec_planted"), []byte(fmt.Sprintf("webhook:%d", ep.ID)))).ExecX(sys)
	rcv.setSecret("whsec_planted")
	mustOK(t, env, tok, `mutation($id: ID!) { pingWebhookEndpoint(id: $id) { id } }`, vars("id", ep.ID), nil)
	runWorker(t, env)
	d := deliveries(t, env, tok)[0]
	if d.State != "FAILED" || d.LastError == nil || !strings.Contains(*d.LastError, "non-public") || d.LastStatusCode != nil {
		t.Fatalf("delivery to a private address: %+v", d)
	}
	if n, _ := rcv.counts(); n != 0 {
		t.Fatalf("the private receiver got %d requests", n)
	}
}

// TestWebhookTenantIsolation: webhooks are owners' and admins' business, and
// organization B can neither see nor touch organization A's endpoints and
// deliveries, nor receive A's events.
func TestWebhookTenantIsolation(t *testing.T) {
	clock := testenv.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
	rcvA := newReceiver(t, false, clock.Now)
	rcvB := newReceiver(t, false, clock.Now)
	env := testenv.New(t, testenv.SQLite, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now))
	orgA, orgB := env.Org(t, "Brand A", 0), env.Org(t, "Brand B", 0)
	env.SeedUser(t, "owner@a.test", testenv.Grant{Org: orgA, Role: authz.RoleOwner})
	env.SeedUser(t, "owner@b.test", testenv.Grant{Org: orgB, Role: authz.RoleOwner})
	env.SeedUser(t, "ops@a.test", testenv.Grant{Org: orgA, Role: authz.RoleOperator})
	tokA, tokB, tokOps := env.Login(t, "owner@a.test"), env.Login(t, "owner@b.test"), env.Login(t, "ops@a.test")
	epA, secretA := mustCreateEndpoint(t, env, tokA, orgA, rcvA.srv.URL, "ALERT_RAISED")
	rcvA.setSecret(secretA)
	_, secretB := mustCreateEndpoint(t, env, tokB, orgB, rcvB.srv.URL, "ALERT_RAISED")
	rcvB.setSecret(secretB)
	if _, _, err := alertsvcRaise(env, orgA); err != nil {
		t.Fatal(err)
	}
	runWorker(t, env)
	if n, _ := rcvB.counts(); n != 0 {
		t.Fatalf("B's receiver got %d of A's events", n)
	}
	if len(rcvA.accepted()) != 1 {
		t.Fatalf("A's receiver got %+v", rcvA.accepted())
	}
	dA := deliveries(t, env, tokA)
	if len(dA) != 1 {
		t.Fatalf("A sees %d deliveries", len(dA))
	}
	if ds := deliveries(t, env, tokB); len(ds) != 0 {
		t.Errorf("B sees A's deliveries: %+v", ds)
	}
	var eps struct {
		WebhookEndpoints struct{ TotalCount int }
	}
	mustOK(t, env, tokB, `{ webhookEndpoints(first: 10) { totalCount } }`, nil, &eps)
	if eps.WebhookEndpoints.TotalCount != 1 {
		t.Errorf("B sees %d endpoints, want its own 1", eps.WebhookEndpoints.TotalCount)
	}
	for name, q := range map[string]string{
		"replay": `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id } }`,
		"node":   `query($id: ID!) { node(id: $id) { id } }`,
	} {
		res := gql(t, env, tokB, q, map[string]any{"id": dA[0].ID})
		if name == "node" {
			if len(res.Errors) == 0 && !strings.Contains(string(res.Data), `"node":null`) {
				t.Errorf("B reads A's delivery by node: %s", res.Data)
			}
			continue
		}
		wantCode(t, res, "NOT_FOUND")
	}
	for _, q := range []string{
		`mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {url: "http://b.example/steal"}) { id } }`,
		`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
		`mutation($id: ID!) { pingWebhookEndpoint(id: $id) { id } }`,
		`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`,
	} {
		wantCode(t, gql(t, env, tokB, q, vars("id", epA)), "NOT_FOUND")
	}
	// B cannot create an endpoint in A's organization (which B cannot see).
	wantCode(t, gql(t, env, tokB, createEndpoint, map[string]any{"in": map[string]any{"organizationID": sid(orgA),
		"url": rcvB.srv.URL, "events": []string{"ALERT_RAISED"}}}), "NOT_FOUND")
	// A's operator may neither manage nor read webhooks.
	wantCode(t, gql(t, env, tokOps, createEndpoint, map[string]any{"in": map[string]any{"organizationID": sid(orgA),
		"url": rcvA.srv.URL, "events": []string{"ALERT_RAISED"}}}), "FORBIDDEN")
	wantCode(t, gql(t, env, tokOps, `{ webhookEndpoints(first: 10) { totalCount } }`, nil), "FORBIDDEN")
	wantCode(t, gql(t, env, tokOps, deliveriesQuery, nil), "FORBIDDEN")
	if got, err := env.Client.WebhookEndpoint.Query().Where(webhookendpoint.ID(epA)).Only(sys); err != nil || got.URL != rcvA.srv.URL {
		t.Fatalf("A's endpoint changed: %+v %v", got, err)
	}
}

// TestWebhookSecretShownOnce: the secret is in the creation and rotation
// answers only, stored sealed; after a rotation deliveries verify with the
// new secret and, during the grace period, with the old one.
func TestWebhookSecretShownOnce(t *testing.T) {
	clock := testenv.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
	rcv := newReceiver(t, false, clock.Now)
	env := testenv.New(t, testenv.SQLite, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now))
	org := env.Org(t, "Brand", 0)
	env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	tok := env.Login(t, "owner@brand.test")
	id, secret := mustCreateEndpoint(t, env, tok, org, rcv.srv.URL, "ALERT_RAISED")
	var intro struct {
		Type struct{ Fields []struct{ Name string } } `json:"__type"`
	}
	mustOK(t, env, tok, `{ __type(name: "WebhookEndpoint") { fields { name } } }`, nil, &intro)
	for _, f := range intro.Type.Fields {
		if strings.Contains(strings.ToLower(f.Name), "secret") && f.Name != "previousSecretUntil" {
			t.Errorf("WebhookEndpoint exposes %s", f.Name)
		}
	}
	for _, q := range []string{`{ webhookEndpoints(first: 10) { edges { node { id url events description enabled } } } }`, deliveriesQuery} {
		res := gql(t, env, tok, q, nil)
		wantOK(t, res)
		if strings.Contains(string(res.Data), secret) {
			t.Fatalf("%s returned the secret", q)
		}
	}
	row := env.Client.WebhookEndpoint.GetX(sys, id)
	if strings.Contains(string(row.SecretSealed), secret) || strings.Contains(string(row.SecretSealed), secret[6:]) {
		t.Fatal("the secret is stored in clear")
	}
	audits := env.Client.AuditEvent.Query().AllX(sys)
	for _, a := range audits {
		if b, _ := json.Marshal(a.Summary); strings.Contains(string(b), secret) {
			t.Fatalf("audit %s holds the secret", a.Action)
		}
	}

	var rot struct{ RotateWebhookSecret struct{ Secret string } }
	mustOK(t, env, tok, `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhookEndpoint { previousSecretUntil } } }`, vars("id", id), &rot)
	fresh := rot.RotateWebhookSecret.Secret
	if fresh == secret || !strings.HasPrefix(fresh, "whsec_") {
		t.Fatalf("rotation returned %q", fresh)
	}
	// A receiver still on the old secret, then one on the new: both verify.
	for _, s := range []string{secret, fresh} {
		rcv.setSecret(s)
		mustOK(t, env, tok, `mutation($id: ID!) { pingWebhookEndpoint(id: $id) { id } }`, vars("id", id), nil)
		runWorker(t, env)
	}
	if got := rcv.accepted(); len(got) != 2 || strings.Count(got[0].signature, "v1=") != 2 {
		t.Fatalf("during the grace period: %+v", got)
	}
	// After the grace period only the new secret signs.
	clock.Advance(25 * time.Hour)
	tok = env.Login(t, "owner@brand.test")
	rcv.setSecret(secret)
	mustOK(t, env, tok, `mutation($id: ID!) { pingWebhookEndpoint(id: $id) { id } }`, vars("id", id), nil)
	runWorker(t, env)
	if _, bad := rcv.counts(); bad != 1 {
		t.Fatalf("the old secret still verifies after the grace period (%d refused)", bad)
	}
}

// TestWebhookClaimOnce: several workers (replicas with their own database
// pools) drain the same outbox at once; every delivery is sent exactly once.
func TestWebhookClaimOnce(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		clock := testenv.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
		rcv := newReceiver(t, false, clock.Now)
		env := testenv.New(t, be, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now))
		org := env.Org(t, "Brand", 0)
		env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		tok := env.Login(t, "owner@brand.test")
		_, secret := mustCreateEndpoint(t, env, tok, org, rcv.srv.URL, "ALERT_RAISED")
		rcv.setSecret(secret)
		const events = 60
		for i := range events {
			if err := env.App.Webhooks.Emit(sys, env.Client, org, webhook.AlertRaised, map[string]int{"n": i}); err != nil {
				t.Fatal(err)
			}
		}
		workers := replicas(t, env, 4, clock.Now)
		var wg sync.WaitGroup
		sent := make([]int, len(workers))
		for i, w := range workers {
			wg.Go(func() {
				for {
					n, err := w.RunOnce(context.Background())
					if err != nil {
						t.Errorf("%s: %v", w.Instance, err)
						return
					}
					sent[i] += n
					if n == 0 {
						left, err := env.Client.WebhookDelivery.Query().Where(webhookdelivery.StateEQ(webhookdelivery.StatePENDING)).Count(sys)
						if err != nil || left == 0 {
							return
						}
					}
				}
			})
		}
		wg.Wait()
		seen := map[string]int{}
		for _, r := range rcv.accepted() {
			seen[r.delivery]++
		}
		if len(seen) != events {
			t.Fatalf("%d distinct deliveries received, want %d", len(seen), events)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("delivery %s sent %d times", id, n)
			}
		}
		for _, d := range env.Client.WebhookDelivery.Query().AllX(sys) {
			if d.State != webhookdelivery.StateDELIVERED || d.Attempts != 1 {
				t.Errorf("delivery %d: %s after %d attempts", d.ID, d.State, d.Attempts)
			}
		}
		t.Logf("%s: %d deliveries sent once each; attempts per worker %v", be.Name, events, sent)
	})
}

// alertsvcRaise raises a STOCK_LOW episode the way the alert evaluation does.
func alertsvcRaise(env *testenv.Env, org int) (*ent.Alert, bool, error) {
	return alertsvc.Raise(sys, env.Client, env.App.Alerts.Broker, alertsvc.Episode{Org: org, Kind: alerts.StockLow,
		Subject: "sku:1", Message: "SKU 1 has 2 left (warning at 5)."})
}

// replicas are n webhook workers, each with its own database pool, as on
// n server replicas.
func replicas(t *testing.T, env *testenv.Env, n int, now func() time.Time) []*webhooksvc.Service {
	t.Helper()
	out := make([]*webhooksvc.Service, n)
	for i := range out {
		c, _, err := db.OpenClientPool(context.Background(), env.DSN, db.Pool{}, nil)
		if err != nil {
			t.Fatalf("open replica pool: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		out[i] = &webhooksvc.Service{Client: c, Box: env.App.Box, Now: now, AllowPrivate: true,
			Instance: fmt.Sprintf("replica-%d", i), Batch: 4, Log: slog.New(slog.DiscardHandler)}
		out[i].Init()
	}
	return out
}
