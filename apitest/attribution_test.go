package apitest

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/demo"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// jsonHas is a raw-SQL test that a JSON string array column holds the
// (quoted, %-wrapped) argument.
func jsonHas(col string) string {
	return "CAST(" + col + " AS TEXT) LIKE ?"
}

func fmtRoi(r *float64) any {
	if r == nil {
		return nil
	}
	return *r
}

type shareOut struct {
	Rule       string
	PaidOrders int64
	PaidAmount moneyOut
}

// TestAttributionMatchesDirectSQL checks the computed campaign and
// collaboration figures of the demo against SQL over the raw rows.
func TestAttributionMatchesDirectSQL(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b, testenv.WithoutSyncRunner())
		if _, err := demo.Load(context.Background(), env.Client); err != nil {
			t.Fatal(err)
		}
		d := direct{t: t, env: env, postgres: b.Name == "postgres"}
		owner := demoLogin(t, env, "owner@agency.demo")

		var camps struct {
			Campaigns struct {
				Edges []struct {
					Node struct {
						ID, Name                                string
						PlatformPromotionIds, PlatformCouponIds []string
						Spend, DiscountGiven                    moneyOut
						Results                                 struct {
							PaidAmount, DiscountGiven, KolFees, Spend moneyOut
							PaidOrders, PayingBuyers                  int64
							Roi                                       *float64
							ByRule                                    []shareOut
						}
					}
				}
			}
		}
		env.MustData(t, testenv.Request{Token: owner, Query: `{ campaigns(first: 100) { edges { node { id name
			platformPromotionIds platformCouponIds spend { amount } discountGiven { amount }
			results { paidAmount { amount } paidOrders payingBuyers discountGiven { amount } kolFees { amount } spend { amount } roi
				byRule { rule paidOrders paidAmount { amount } } } } } } }`}, &camps)
		rules := map[string]int{}
		withSpend := 0
		for _, e := range camps.Campaigns.Edges {
			n := e.Node
			r := n.Results
			id := atoi(t, n.ID)
			var explicit, sum int64
			var explicitOrders int64
			for _, s := range r.ByRule {
				rules[s.Rule]++
				sum += s.PaidAmount.fen(t)
				if s.Rule == "PROMOTION_ID" || s.Rule == "COUPON_ID" {
					explicit += s.PaidAmount.fen(t)
					explicitOrders += s.PaidOrders
				}
			}
			if sum != r.PaidAmount.fen(t) {
				t.Errorf("%s: byRule adds up to %d, paidAmount %s", n.Name, sum, r.PaidAmount.Amount)
			}
			// Explicit ids: in the demo every order carries at most one id.
			cond, args := []string{}, []any{}
			for _, p := range n.PlatformPromotionIds {
				cond, args = append(cond, jsonHas("promotion_ids")), append(args, `%"`+p+`"%`)
			}
			for _, p := range n.PlatformCouponIds {
				cond, args = append(cond, jsonHas("coupon_ids")), append(args, `%"`+p+`"%`)
			}
			if len(cond) == 0 {
				t.Fatalf("%s: demo campaign without platform ids", n.Name)
			}
			where := `store_id = (SELECT store_id FROM campaigns WHERE id = ?) AND ` + paidStatuses + ` AND (` + strings.Join(cond, " OR ") + `)`
			row := d.ints(`SELECT COUNT(*), COALESCE(SUM(paid), 0), COALESCE(SUM(CASE WHEN status <> 'REFUNDED' THEN discount ELSE 0 END), 0)
				FROM orders WHERE `+where, append([]any{id}, args...)...)
			if explicitOrders != row[0] || explicit != row[1] {
				t.Errorf("%s: by platform ids %d orders %d fen, direct SQL %d orders %d fen", n.Name, explicitOrders, explicit, row[0], row[1])
			}
			// Only orders carrying ids have a discount in the demo.
			if r.DiscountGiven.fen(t) != row[2] || n.DiscountGiven.fen(t) != row[2] {
				t.Errorf("%s: discountGiven %s / %s, direct SQL %d", n.Name, r.DiscountGiven.Amount, n.DiscountGiven.Amount, row[2])
			}
			fees := d.ints(`SELECT COALESCE(SUM(fee), 0) FROM collaborations WHERE campaign_id = ? AND status NOT IN ('PROPOSED', 'CANCELLED')`, id)[0]
			if r.KolFees.fen(t) != fees {
				t.Errorf("%s: kolFees %s, direct SQL %d", n.Name, r.KolFees.Amount, fees)
			}
			spend := row[2] + fees
			if r.Spend.fen(t) != spend || n.Spend.fen(t) != spend {
				t.Errorf("%s: spend %s / %s, want %d", n.Name, r.Spend.Amount, n.Spend.Amount, spend)
			}
			if spend > 0 {
				withSpend++
				want := float64(r.PaidAmount.fen(t)) / float64(spend)
				if r.Roi == nil || math.Abs(*r.Roi-want) > 1e-9 {
					t.Errorf("%s: roi %v, want %v", n.Name, fmtRoi(r.Roi), want)
				}
			} else if r.Roi != nil {
				t.Errorf("%s: roi %v without spend", n.Name, *r.Roi)
			}
		}
		for _, rule := range []string{"PROMOTION_ID", "COUPON_ID", "TRACKING_CODE", "AUTHOR_ID", "PRODUCT_SCOPE"} {
			if rules[rule] == 0 {
				t.Errorf("no demo campaign has orders attributed by %s: %v", rule, rules)
			}
		}
		if withSpend == 0 {
			t.Error("no demo campaign has spend")
		}

		// Collaborations: per tracking code and per author id, the sums over
		// the collaborations sharing it equal the orders carrying it, counted once.
		var collabs struct {
			Collaborations struct {
				Edges []struct {
					Node struct {
						TrackingCode, Status string
						CommissionRate       float64
						AttributedGmv        moneyOut
						AttributedRefunds    moneyOut
						Commission           moneyOut
						AttributedBy         []shareOut
						KolPartner           struct{ ID, OrganizationID, AuthorID, Platform string }
					}
				}
			}
		}
		env.MustData(t, testenv.Request{Token: owner, Query: `{ collaborations(first: 100) { edges { node { trackingCode status commissionRate
			attributedGmv { amount } attributedRefunds { amount } commission { amount } attributedBy { rule paidOrders paidAmount { amount } }
			kolPartner { id organizationID authorID platform } } } } }`}, &collabs)
		byCode, byAuthor := map[string]int64{}, map[string]int64{}
		codeOrg, authorOrg := map[string]int{}, map[string]int{}
		for _, e := range collabs.Collaborations.Edges {
			n := e.Node
			if want := int64(float64(n.AttributedGmv.fen(t)-n.AttributedRefunds.fen(t))*n.CommissionRate + 0.5); n.AttributedGmv.fen(t) > 0 && n.Commission.fen(t) != want {
				t.Errorf("%s: commission %s, want %d", n.TrackingCode, n.Commission.Amount, want)
			}
			if n.Status == "CANCELLED" {
				if n.AttributedGmv.fen(t) != 0 {
					t.Errorf("cancelled collaboration %s has attributed GMV", n.TrackingCode)
				}
				continue
			}
			codeOrg[n.TrackingCode] = atoi(t, n.KolPartner.OrganizationID)
			if n.KolPartner.AuthorID != "" {
				authorOrg[n.KolPartner.AuthorID] = codeOrg[n.TrackingCode]
				byAuthor[n.KolPartner.AuthorID] += 0
			}
			for _, s := range n.AttributedBy {
				switch s.Rule {
				case "TRACKING_CODE":
					byCode[n.TrackingCode] += s.PaidAmount.fen(t)
				case "AUTHOR_ID":
					byAuthor[n.KolPartner.AuthorID] += s.PaidAmount.fen(t)
				default:
					t.Errorf("collaboration attributed by %s", s.Rule)
				}
			}
		}
		for code, got := range byCode {
			want := d.ints(`SELECT COALESCE(SUM(paid), 0) FROM orders WHERE organization_id = ? AND tracking_code = ? AND `+paidStatuses, codeOrg[code], code)[0]
			if got != want {
				t.Errorf("code %s: attributed %d, direct SQL %d", code, got, want)
			}
		}
		nonZero := 0
		for author, got := range byAuthor {
			want := d.ints(`SELECT COALESCE(SUM(paid), 0) FROM orders WHERE organization_id = ? AND author_id = ? AND COALESCE(tracking_code, '') = '' AND `+paidStatuses,
				authorOrg[author], author)[0]
			if got != want {
				t.Errorf("author %s: attributed %d, direct SQL %d", author, got, want)
			}
			if got > 0 {
				nonZero++
			}
		}
		if nonZero == 0 {
			t.Error("no demo 达人 order attributed by author_id")
		}
	})
}

// TestKOLSettlementLifecycle drafts, regenerates, confirms and pays a
// statement and checks its figures, transitions and permissions.
func TestKOLSettlementLifecycle(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b, testenv.WithoutSyncRunner())
		if _, err := demo.Load(context.Background(), env.Client); err != nil {
			t.Fatal(err)
		}
		d := direct{t: t, env: env, postgres: b.Name == "postgres"}
		sys := authz.SystemContext(context.Background())
		brandA := env.Client.Organization.Query().Where(organization.KindNEQ(organization.KindAGENCY)).Order(organization.ByID()).FirstX(sys)
		// The Brand A partner with the most attributed paid amount last month.
		loc, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Now().In(loc)
		from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -1, 0)
		to := from.AddDate(0, 1, 0)
		month := from.Format("2006-01")
		partners := env.Client.KOLPartner.Query().Where(kolpartner.OrganizationID(brandA.ID)).Order(kolpartner.ByID()).AllX(sys)
		owner := demoLogin(t, env, "owner@agency.demo")
		operator := demoLogin(t, env, "operator@brand-a.demo")
		analyst := demoLogin(t, env, "analyst@brand-b.demo")

		type stOut struct {
			ID, Status, Month       string
			Commission, Fees, Total moneyOut
			ConfirmedByID, PaidByID *int64
			Lines                   []struct {
				CollaborationID string
				Orders          int64
				Paid, Refunded  moneyOut
				CommissionRate  float64
				Commission, Fee moneyOut
				OrderIDs        []string
			}
		}
		const fields = `id status month commission { amount } fees { amount } total { amount } confirmedByID paidByID
			lines { collaborationID orders paid { amount } refunded { amount } commissionRate commission { amount } fee { amount } orderIDs }`
		gen := func(tok string, partner int, month string) (stOut, []string) {
			var out struct{ GenerateKOLSettlement stOut }
			res := env.Do(t, testenv.Request{Token: tok, Query: `mutation($p: ID!, $m: String!) { generateKOLSettlement(partnerID: $p, month: $m) { ` + fields + ` } }`,
				Variables: map[string]any{"p": partner, "m": month}})
			if codes := res.Codes(); len(codes) > 0 {
				return stOut{}, codes
			}
			res.Decode(t, &out)
			return out.GenerateKOLSettlement, nil
		}
		var st stOut
		for _, p := range partners {
			s, codes := gen(operator, p.ID, month)
			if codes != nil {
				t.Fatalf("generate for partner %d: %v", p.ID, codes)
			}
			if st.ID == "" || s.Commission.fen(t) > st.Commission.fen(t) {
				st = s
			}
		}
		if st.Commission.fen(t) == 0 || len(st.Lines) == 0 {
			t.Fatalf("no Brand A partner earned commission in %s: %+v", month, st)
		}
		var commission, fees int64
		for _, l := range st.Lines {
			ids := make([]string, len(l.OrderIDs))
			copy(ids, l.OrderIDs)
			if len(ids) > 0 {
				row := d.ints(`SELECT COUNT(*), COALESCE(SUM(paid), 0), COALESCE(SUM(CASE WHEN status = 'REFUNDED' THEN paid ELSE 0 END), 0) FROM orders
					WHERE id IN (`+strings.Join(ids, ",")+`) AND paid_at >= ? AND paid_at < ? AND `+paidStatuses, from.UTC(), to.UTC())
				if row[0] != l.Orders || row[1] != l.Paid.fen(t) || row[2] != l.Refunded.fen(t) {
					t.Errorf("line %s: %d orders %s paid %s refunded, direct SQL %v", l.CollaborationID, l.Orders, l.Paid.Amount, l.Refunded.Amount, row)
				}
			}
			if want := int64(float64(l.Paid.fen(t)-l.Refunded.fen(t))*l.CommissionRate + 0.5); l.Commission.fen(t) != want {
				t.Errorf("line %s: commission %s, want %d", l.CollaborationID, l.Commission.Amount, want)
			}
			commission += l.Commission.fen(t)
			fees += l.Fee.fen(t)
		}
		if st.Commission.fen(t) != commission || st.Fees.fen(t) != fees || st.Total.fen(t) != commission+fees || st.Status != "DRAFT" {
			t.Errorf("statement %+v: lines add up to commission %d fees %d", st, commission, fees)
		}
		var again struct{ Node stOut }
		env.MustData(t, testenv.Request{Token: owner, Query: `query($id: ID!) { node(id: $id) { ... on KOLSettlement { ` + fields + ` } } }`,
			Variables: map[string]any{"id": st.ID}}, &again)
		if again.Node.ID != st.ID || again.Node.Total != st.Total {
			t.Errorf("node(id) of the statement: %+v", again.Node)
		}
		pid := env.Client.KOLSettlement.GetX(sys, atoi(t, st.ID)).KolPartnerID

		// Regenerating a DRAFT is idempotent: same statement, same figures.
		re, codes := gen(owner, pid, month)
		if codes != nil || re.ID != st.ID || re.Total != st.Total || len(re.Lines) != len(st.Lines) {
			t.Errorf("regenerate: %+v %v, want %+v", re, codes, st)
		}
		if n := d.ints(`SELECT COUNT(*) FROM kol_settlements WHERE kol_partner_id = ? AND month = ?`, pid, month)[0]; n != 1 {
			t.Errorf("%d statements for one partner and month", n)
		}

		move := func(tok, verb string) (stOut, []string) {
			var out map[string]stOut
			res := env.Do(t, testenv.Request{Token: tok, Query: `mutation($id: ID!) { ` + verb + `(id: $id) { ` + fields + ` } }`,
				Variables: map[string]any{"id": st.ID}})
			if codes := res.Codes(); len(codes) > 0 {
				return stOut{}, codes
			}
			res.Decode(t, &out)
			return out[verb], nil
		}
		want1 := func(what string, codes []string, code string) {
			t.Helper()
			if len(codes) != 1 || codes[0] != code {
				t.Errorf("%s: %v, want %s", what, codes, code)
			}
		}
		_, codes = move(operator, "markKOLSettlementPaid")
		want1("pay a draft as operator", codes, "FORBIDDEN")
		_, codes = move(owner, "markKOLSettlementPaid")
		want1("pay a draft", codes, "CONFLICT")
		_, codes = move(analyst, "confirmKOLSettlement")
		if len(codes) != 1 || (codes[0] != "FORBIDDEN" && codes[0] != "NOT_FOUND") {
			t.Errorf("Brand B analyst confirms a Brand A statement: %v", codes)
		}
		c, codes := move(operator, "confirmKOLSettlement")
		if codes != nil || c.Status != "CONFIRMED" || c.ConfirmedByID == nil || c.Total != st.Total {
			t.Fatalf("confirm: %+v %v", c, codes)
		}
		_, codes = gen(owner, pid, month)
		want1("regenerate a confirmed statement", codes, "CONFLICT")
		_, codes = move(owner, "confirmKOLSettlement")
		want1("confirm twice", codes, "CONFLICT")
		// Lines are frozen: a new order attributed to a line's collaboration
		// in the month does not change them.
		col := env.Client.Collaboration.GetX(sys, atoi(t, st.Lines[0].CollaborationID))
		if col.TrackingCode != "" {
			stID := env.Client.Store.Query().Where(store.OrganizationID(brandA.ID)).FirstIDX(sys)
			env.Client.Order.Create().SetStoreID(stID).SetPlatform(order.PlatformOTHER).SetExternalID("frozen-check").
				SetStatus(order.StatusPAID).SetTotal(1_000_000).SetPaid(1_000_000).SetOrderedAt(from.Add(time.Hour)).
				SetPaidAt(from.Add(time.Hour)).SetTrackingCode(col.TrackingCode).ExecX(sys)
		}
		p, codes := move(owner, "markKOLSettlementPaid")
		if codes != nil || p.Status != "PAID" || p.PaidByID == nil || p.Total != st.Total || len(p.Lines) != len(st.Lines) {
			t.Fatalf("pay: %+v %v", p, codes)
		}
		_, codes = move(owner, "markKOLSettlementPaid")
		want1("pay twice", codes, "CONFLICT")

		// Bad input and foreign partners.
		_, codes = gen(owner, pid, "2026-13")
		want1("bad month", codes, "BAD_USER_INPUT")
		_, codes = gen(analyst, pid, month)
		if len(codes) != 1 || (codes[0] != "FORBIDDEN" && codes[0] != "NOT_FOUND") {
			t.Errorf("Brand B analyst generates for a Brand A partner: %v", codes)
		}
		var list struct {
			KolSettlements struct{ TotalCount int }
		}
		env.MustData(t, testenv.Request{Token: analyst, Query: `{ kolSettlements { totalCount } }`}, &list)
		if list.KolSettlements.TotalCount != 0 {
			t.Errorf("Brand B analyst sees %d Brand A statements", list.KolSettlements.TotalCount)
		}
		env.MustData(t, testenv.Request{Token: owner, Query: `{ kolSettlements { totalCount } }`}, &list)
		if list.KolSettlements.TotalCount != len(partners) {
			t.Errorf("owner sees %d statements, want %d", list.KolSettlements.TotalCount, len(partners))
		}
	})
}
