// Package apitest proves identity, permissions and tenant isolation through
// the GraphQL HTTP endpoint only: every test starts a real server on a fresh
// database (internal/testenv) and talks to it as a client would. Seeding goes
// through ent with a system context; checks that nothing changed re-read the
// rows the same way.
package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/ent/alertrule"
	"github.com/opsgraph/opsgraph/ent/apitoken"
	"github.com/opsgraph/opsgraph/ent/asset"
	"github.com/opsgraph/opsgraph/ent/auditevent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/casbinrule"
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/ent/metricsnapshot"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/orderline"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/ent/platformconnection"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/ent/supplier"
	"github.com/opsgraph/opsgraph/ent/syncjob"
	"github.com/opsgraph/opsgraph/ent/user"
	"github.com/opsgraph/opsgraph/ent/webhookdelivery"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/webhook"
)

// sys is the context for seeding and re-reading rows behind the API's back.
var sys = authz.SystemContext(context.Background())

func sid(n int) string { return strconv.Itoa(n) }

// vars builds GraphQL variables from key, value pairs; int values become ID strings.
func vars(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		v := kv[i+1]
		switch x := v.(type) {
		case int:
			v = sid(x)
		case []int:
			s := make([]string, len(x))
			for j, n := range x {
				s[j] = sid(n)
			}
			v = s
		}
		m[kv[i].(string)] = v
	}
	return m
}

func gql(t testing.TB, env *testenv.Env, tok, query string, vs map[string]any) *testenv.Response {
	t.Helper()
	return env.Do(t, testenv.Request{Token: tok, Query: query, Variables: vs})
}

// wantCode asserts that res failed, every error carrying code.
func wantCode(t testing.TB, res *testenv.Response, code string) {
	t.Helper()
	if len(res.Errors) == 0 {
		t.Fatalf("want %s, got no error and data %s", code, res.Data)
	}
	for _, e := range res.Errors {
		if e.Code() != code {
			t.Fatalf("want %s, got %s (%q); all errors: %+v", code, e.Code(), e.Message, res.Errors)
		}
	}
}

// wantOK asserts that res has no errors.
func wantOK(t testing.TB, res *testenv.Response) {
	t.Helper()
	if len(res.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", res.Errors)
	}
}

// mustOK sends a request that must succeed and decodes its data into out.
func mustOK(t testing.TB, env *testenv.Env, tok, query string, vs map[string]any, out any) {
	t.Helper()
	env.MustData(t, testenv.Request{Token: tok, Query: query, Variables: vs}, out)
}

// fixture is one object of every kind in one organization.
type fixture struct {
	Org, Owner, OwnerMembership                                   int
	Store, Content, Campaign, KOL, Collab, Supplier, Product, SKU int
	Order, OrderLine, Metric, Token, Audit, Alert, SyncJob, Conn  int
	AlertRule                                                     int
	Product2, Collab2, OrderLine2, Content2                       int // spares, for planted cross-tenant links
	Asset                                                         int
	Webhook, WebhookDelivery                                      int
	TokenSecret                                                   string
	CustomRole                                                    string
	allIDs                                                        []int
}

// seedTenant creates one object of every kind in org, authored by owner.
func seedTenant(t testing.TB, env *testenv.Env, org, owner int, tag string) *fixture {
	t.Helper()
	c := env.Client
	f := &fixture{Org: org, Owner: owner}
	must := func(id int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", tag, err)
		}
		f.allIDs = append(f.allIDs, id)
		return id
	}
	// The owner's membership, unless they act through an agency.
	if m, err := c.Membership.Query().Where(membership.UserID(owner), membership.OrganizationID(org)).Only(sys); err == nil {
		f.OwnerMembership = must(m.ID, nil)
	} else if !ent.IsNotFound(err) {
		t.Fatalf("owner membership: %v", err)
	}
	s, err := c.Store.Create().SetName("Store " + tag).SetPlatform(store.PlatformTMALL).SetOrganizationID(org).Save(sys)
	f.Store = must(idOf(s, err))
	ct, err := c.Content.Create().SetStoreID(f.Store).SetTitle("Content " + tag).SetKind(content.KindARTICLE).
		SetAuthorID(owner).SetStatus(content.StatusIN_REVIEW).Save(sys)
	f.Content = must(idOf(ct, err))
	ct2, err := c.Content.Create().SetStoreID(f.Store).SetTitle("Draft " + tag).SetKind(content.KindSHORT_VIDEO).Save(sys)
	f.Content2 = must(idOf(ct2, err))
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	cp, err := c.Campaign.Create().SetStoreID(f.Store).SetName("Campaign " + tag).SetKind(campaign.KindCOUPON).
		SetStartsAt(start).SetEndsAt(start.Add(72 * time.Hour)).
		SetRules(schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: 500, MinSpend: 5000, Quantity: 100, PerUser: 1}}).Save(sys)
	f.Campaign = must(idOf(cp, err))
	k, err := c.KOLPartner.Create().SetOrganizationID(org).SetPlatform(kolpartner.PlatformDOUYIN).
		SetHandle("kol_" + tag).SetTier(kolpartner.TierKOC).Save(sys)
	f.KOL = must(idOf(k, err))
	co, err := c.Collaboration.Create().SetKolPartnerID(f.KOL).SetCampaignID(f.Campaign).SetContentID(f.Content).Save(sys)
	f.Collab = must(idOf(co, err))
	co2, err := c.Collaboration.Create().SetKolPartnerID(f.KOL).Save(sys)
	f.Collab2 = must(idOf(co2, err))
	sp, err := c.Supplier.Create().SetOrganizationID(org).SetName("Supplier " + tag).Save(sys)
	f.Supplier = must(idOf(sp, err))
	p, err := c.Product.Create().SetStoreID(f.Store).SetTitle("Product " + tag).SetPrice(12950).SetSupplierID(f.Supplier).Save(sys)
	f.Product = must(idOf(p, err))
	p2, err := c.Product.Create().SetStoreID(f.Store).SetTitle("Product2 " + tag).SetPrice(100).Save(sys)
	f.Product2 = must(idOf(p2, err))
	sk, err := c.SKU.Create().SetProductID(f.Product).SetName("SKU " + tag).SetPrice(12950).Save(sys)
	f.SKU = must(idOf(sk, err))
	o, err := c.Order.Create().SetStoreID(f.Store).SetPlatform(order.PlatformTMALL).SetExternalID("order-" + tag).
		SetStatus(order.StatusPAID).SetTotal(12950).SetOrderedAt(start).Save(sys)
	f.Order = must(idOf(o, err))
	ol, err := c.OrderLine.Create().SetOrderID(f.Order).SetSkuID(f.SKU).SetTitle("line").SetQuantity(1).
		SetUnitPrice(12950).SetTotal(12950).Save(sys)
	f.OrderLine = must(idOf(ol, err))
	ol2, err := c.OrderLine.Create().SetOrderID(f.Order).SetTitle("line2").SetQuantity(1).SetUnitPrice(1).SetTotal(1).Save(sys)
	f.OrderLine2 = must(idOf(ol2, err))
	ms, err := c.MetricSnapshot.Create().SetStoreID(f.Store).SetDay("2030-01-01").SetVisitors(100).SetPaidOrders(3).Save(sys)
	f.Metric = must(idOf(ms, err))
	secret, hash := auth.NewToken(auth.APITokenPrefix)
	tk, err := c.APIToken.Create().SetName("ci " + tag).SetOrganizationID(org).SetRole("operator").SetCreatedByID(owner).
		SetPrefix(secret[:10]).SetTokenHash(hash).Save(sys)
	f.Token, f.TokenSecret = must(idOf(tk, err)), secret
	ae, err := c.AuditEvent.Create().SetCreatedAt(time.Now()).SetAction("updateStore").SetSuccess(true).
		SetOrganizationID(org).SetObjectKind("store").SetObjectID(sid(f.Store)).SetActorID(owner).Save(sys)
	f.Audit = must(idOf(ae, err))
	al, err := c.Alert.Create().SetOrganizationID(org).SetKind(alert.KindSTOCK_LOW).SetMessage("stock low " + tag).Save(sys)
	f.Alert = must(idOf(al, err))
	ar, err := c.AlertRule.Create().SetOrganizationID(org).SetName("rule " + tag).SetKind(alertrule.KindSTOCK_LOW).Save(sys)
	f.AlertRule = must(idOf(ar, err))
	sj, err := c.SyncJob.Create().SetStoreID(f.Store).SetWhat([]string{"PRODUCTS"}).SetStatus(syncjob.StatusSUCCEEDED).Save(sys)
	f.SyncJob = must(idOf(sj, err))
	as, err := c.Asset.Create().SetOrganizationID(org).SetName("Asset " + tag).SetURL("https://cdn.example/" + tag + ".jpg").
		SetSource("own shoot").SetLicenceType(asset.LicenceTypeOWNED).Save(sys)
	f.Asset = must(idOf(as, err))
	pc, err := c.PlatformConnection.Create().SetStoreID(f.Store).SetPluginID("taobao").SetShopName("Shop " + tag).Save(sys)
	f.Conn = must(idOf(pc, err))
	wh, err := c.WebhookEndpoint.Create().SetOrganizationID(org).SetURL("https://hooks.example/" + tag).
		SetEvents([]webhook.Event{webhook.AlertRaised}).SetSecretSealed([]byte{1}).Save(sys)
	f.Webhook = must(idOf(wh, err))
	wd, err := c.WebhookDelivery.Create().SetOrganizationID(org).SetEndpointID(f.Webhook).SetEventID("evt_" + tag).
		SetEvent(webhook.Ping).SetPayload("{}").SetState(webhookdelivery.StateDELIVERED).Save(sys)
	f.WebhookDelivery = must(idOf(wd, err))
	f.CustomRole = "role_" + strings.ToLower(tag)
	if err := env.App.Authz.SetCustomRole(f.CustomRole, org, []authz.Permission{{Object: "store", Action: "read"}}, ""); err != nil {
		t.Fatalf("custom role: %v", err)
	}
	return f
}

func idOf[T interface{ *E }, E any](v T, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	// Every ent entity has an int ID field.
	raw, _ := json.Marshal(v)
	var x struct{ ID int }
	_ = json.Unmarshal(raw, &x)
	return x.ID, nil
}

// snapshot serializes every row of org (business objects, memberships, tokens,
// alerts, custom role policies, and audit events when withAudit) so that a
// test can prove a refused request changed nothing.
func snapshot(t testing.TB, env *testenv.Env, org int, withAudit bool) string {
	t.Helper()
	c := env.Client
	var parts []any
	add := func(name string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("snapshot %s: %v", name, err)
		}
		parts = append(parts, name, v)
	}
	o, err := c.Organization.Query().Where(organization.ID(org)).All(sys)
	add("organization", o, err)
	st, err := c.Store.Query().Where(store.OrganizationID(org)).Order(ent.Asc(store.FieldID)).All(sys)
	add("stores", st, err)
	ct, err := c.Content.Query().Where(content.OrganizationID(org)).Order(ent.Asc(content.FieldID)).All(sys)
	add("contents", ct, err)
	cp, err := c.Campaign.Query().Where(campaign.OrganizationID(org)).Order(ent.Asc(campaign.FieldID)).All(sys)
	add("campaigns", cp, err)
	k, err := c.KOLPartner.Query().Where(kolpartner.OrganizationID(org)).Order(ent.Asc(kolpartner.FieldID)).All(sys)
	add("kols", k, err)
	co, err := c.Collaboration.Query().Where(collaboration.OrganizationID(org)).Order(ent.Asc(collaboration.FieldID)).All(sys)
	add("collaborations", co, err)
	sp, err := c.Supplier.Query().Where(supplier.OrganizationID(org)).Order(ent.Asc(supplier.FieldID)).All(sys)
	add("suppliers", sp, err)
	p, err := c.Product.Query().Where(product.OrganizationID(org)).Order(ent.Asc(product.FieldID)).All(sys)
	add("products", p, err)
	sk, err := c.SKU.Query().Where(sku.OrganizationID(org)).Order(ent.Asc(sku.FieldID)).All(sys)
	add("skus", sk, err)
	or, err := c.Order.Query().Where(order.OrganizationID(org)).Order(ent.Asc(order.FieldID)).All(sys)
	add("orders", or, err)
	ol, err := c.OrderLine.Query().Where(orderline.OrganizationID(org)).Order(ent.Asc(orderline.FieldID)).All(sys)
	add("orderLines", ol, err)
	ms, err := c.MetricSnapshot.Query().Where(metricsnapshot.OrganizationID(org)).Order(ent.Asc(metricsnapshot.FieldID)).All(sys)
	add("metrics", ms, err)
	mb, err := c.Membership.Query().Where(membership.OrganizationID(org)).Order(ent.Asc(membership.FieldID)).All(sys)
	add("memberships", mb, err)
	tk, err := c.APIToken.Query().Where(apitoken.OrganizationID(org)).Order(ent.Asc(apitoken.FieldID)).All(sys)
	add("apiTokens", tk, err)
	al, err := c.Alert.Query().Where(alert.OrganizationID(org)).Order(ent.Asc(alert.FieldID)).All(sys)
	add("alerts", al, err)
	sj, err := c.SyncJob.Query().Where(syncjob.OrganizationID(org)).Order(ent.Asc(syncjob.FieldID)).All(sys)
	add("syncJobs", sj, err)
	pc, err := c.PlatformConnection.Query().Where(platformconnection.OrganizationID(org)).Order(ent.Asc(platformconnection.FieldID)).All(sys)
	add("platformConnections", pc, err)
	users, err := c.User.Query().Where(user.HasMembershipsWith(membership.OrganizationID(org))).Order(ent.Asc(user.FieldID)).
		Select(user.FieldID, user.FieldEmail, user.FieldDisplayName, user.FieldDisabled).All(sys)
	add("users", users, err)
	rules, err := c.CasbinRule.Query().Where(casbinrule.Or(casbinrule.V1(sid(org)), casbinrule.V2(sid(org)))).
		Order(ent.Asc(casbinrule.FieldID)).All(sys)
	add("policies", rules, err)
	if withAudit {
		ae, err := c.AuditEvent.Query().Where(auditevent.OrganizationID(org)).Order(ent.Asc(auditevent.FieldID)).All(sys)
		add("auditEvents", ae, err)
	}
	raw, err := json.MarshalIndent(parts, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// ids collects every "id" value in a JSON document.
func ids(raw []byte) []int {
	var v any
	_ = json.Unmarshal(raw, &v)
	var out []int
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if s, ok := val.(string); ok && k == "id" {
					if n, err := strconv.Atoi(s); err == nil {
						out = append(out, n)
					}
				}
				walk(val)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	sort.Ints(out)
	return out
}

func intersect(a, b []int) []int {
	var out []int
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo, hi := max(0, i-8), min(len(bl), i+8)
			return fmt.Sprintf("line %d: %q → %q; now:\n%s", i+1, al[i], bl[i], strings.Join(bl[lo:hi], "\n"))
		}
	}
	return fmt.Sprintf("length %d → %d lines", len(al), len(bl))
}
