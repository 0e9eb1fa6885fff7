package apitest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/demo"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// contentWorld is an organization with a store, an editor and a reviewer.
type contentWorld struct {
	env                     *testenv.Env
	org                     int
	store                   string
	owner, editor, reviewer string
}

func newContentWorld(t *testing.T, b testenv.Backend) *contentWorld {
	env := testenv.New(t, b)
	org := env.Org(t, "Brand C", 0)
	w := &contentWorld{env: env, org: org,
		owner:    env.User(t, "owner@c.test", testenv.Grant{Org: org, Role: "owner"}),
		editor:   env.User(t, "editor@c.test", testenv.Grant{Org: org, Role: "content_editor"}),
		reviewer: env.User(t, "reviewer@c.test", testenv.Grant{Org: org, Role: "reviewer"}),
	}
	var out struct{ CreateStore struct{ ID string } }
	w.must(t, w.owner, `mutation($o: ID!) { createStore(input: {name: "C 小红书", platform: XIAOHONGSHU, organizationID: $o,
		introduction: "全网第一的护肤店，加微信 vx123 领券", autoReply: "您好，欢迎光临"}) { id } }`, vars("o", org), &out)
	w.store = out.CreateStore.ID
	return w
}

func (w *contentWorld) must(t *testing.T, tok, q string, vs map[string]any, out any) {
	t.Helper()
	w.env.MustData(t, testenv.Request{Token: tok, Query: q, Variables: vs}, out)
}

func (w *contentWorld) do(t *testing.T, tok, q string, vs map[string]any) *testenv.Response {
	t.Helper()
	return w.env.Do(t, testenv.Request{Token: tok, Query: q, Variables: vs})
}

// wantError checks one error with code and, when field is set, the field named.
func wantError(t *testing.T, res *testenv.Response, code, field, contains string) {
	t.Helper()
	if len(res.Errors) != 1 || res.Errors[0].Code() != code {
		t.Fatalf("got %+v, want one %s", res.Errors, code)
	}
	e := res.Errors[0]
	if field != "" && e.Extensions["field"] != field {
		t.Errorf("field = %v, want %s (%s)", e.Extensions["field"], field, e.Message)
	}
	if !strings.Contains(e.Message, contains) {
		t.Errorf("message %q does not contain %q", e.Message, contains)
	}
}

func (w *contentWorld) product(t *testing.T, title, category, registration string) string {
	var out struct{ CreateProduct struct{ ID string } }
	w.must(t, w.owner, fmt.Sprintf(`mutation($s: ID!, $t: String!) { createProduct(input: {storeID: $s, title: $t, price: {amount: "99"},
		category: %s, registrationType: %s}) { id } }`, category, registration), vars("s", w.store, "t", title), &out)
	return out.CreateProduct.ID
}

func (w *contentWorld) content(t *testing.T, input string, kv ...any) string {
	var out struct{ CreateContent struct{ ID string } }
	w.must(t, w.editor, `mutation($s: ID!`+inputVars(kv)+`) { createContent(input: {storeID: $s, kind: ARTICLE, `+input+`}) { id } }`,
		vars(append([]any{"s", w.store}, kv...)...), &out)
	return out.CreateContent.ID
}

func inputVars(kv []any) string {
	var b strings.Builder
	for i := 0; i < len(kv); i += 2 {
		fmt.Fprintf(&b, ", $%s: ID", kv[i])
	}
	return b.String()
}

type finding struct {
	Field, Matched *string
	Term, Severity string
	Start, End     *int
}

func terms(fs []finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Term + ":" + f.Severity
	}
	return out
}

// TestComplianceAPI: checkCompliance (with product context and organization
// terms), the submit refusal of the misses, and findings over store
// profiles, product titles and campaign names.
func TestComplianceAPI(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newContentWorld(t, b)
		ordinary := w.product(t, "玫瑰精华", "COSMETICS", "COSMETIC_FILED")
		special := w.product(t, "美白淡斑精华", "COSMETICS", "COSMETIC_SPECIAL")

		check := func(text string, ctx string, kv ...any) []finding {
			var out struct{ CheckCompliance []finding }
			q := `query($t: String!` + inputVars(kv) + `) { checkCompliance(text: $t` + ctx + `) { field term matched severity start end } }`
			w.must(t, w.editor, q, vars(append([]any{"t", text}, kv...)...), &out)
			return out.CheckCompliance
		}
		cases := []struct {
			name, text, ctx string
			kv              []any
			want            []string
		}{
			{"spaced 第 一", "全网第 一", "", nil, []string{"全网第一:A"}},
			{"No.1 and 國家級", "No.1 國家級", "", nil, []string{"no1:A", "国家级:A"}},
			{"第一次 is an ordinal", "第一次使用就爱上", "", nil, []string{}},
			{"whitening on an ordinary cosmetic", "美白祛斑精华", ", context: {productID: $p}", []any{"p", ordinary}, []string{"美白:A", "祛斑:A"}},
			{"whitening on a 特殊化妆品", "美白祛斑精华", ", context: {productID: $p}", []any{"p", special}, []string{}},
			{"KOL content without 广告", "好物分享", ", context: {kolCollaboration: true}", nil, []string{"广告:A"}},
			{"campaign names may say 秒杀", "限时抢购", ", context: {surface: CAMPAIGN}", nil, []string{}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if got := terms(check(c.text, c.ctx, c.kv...)); !slices.Equal(got, c.want) {
					t.Errorf("checkCompliance(%q) = %v, want %v", c.text, got, c.want)
				}
			})
		}
		fs := check("这是全网第 一", "")
		if len(fs) != 1 || *fs[0].Matched != "全网第 一" || *fs[0].Start != 2 || *fs[0].End != 7 {
			t.Errorf("position: %+v", fs)
		}

		// Organization terms: a reviewer relaxes 独家 and adds 爆款; an editor may not.
		res := w.do(t, w.editor, `mutation($o: ID!) { setComplianceTerms(organizationID: $o, terms: [{term: "独家", relax: true}]) { term } }`, vars("o", w.org))
		wantError(t, res, "FORBIDDEN", "", "")
		res = w.do(t, w.reviewer, `mutation($o: ID!) { setComplianceTerms(organizationID: $o, terms: [{term: "治愈", relax: true}]) { term } }`, vars("o", w.org))
		wantError(t, res, "BAD_USER_INPUT", "terms[0].term", "medical")
		w.must(t, w.reviewer, `mutation($o: ID!) { setComplianceTerms(organizationID: $o, terms: [{term: "独家", relax: true}, {term: "爆款", severity: B}]) { term } }`, vars("o", w.org), nil)
		if got := terms(check("独家爆款", ", context: {organizationID: $o}", "o", w.org)); !slices.Equal(got, []string{"爆款:B"}) {
			t.Errorf("with the organization's terms: %v", got)
		}
		if got := terms(check("独家爆款", "")); !slices.Equal(got, []string{"独家:A"}) {
			t.Errorf("built-in terms only: %v", got)
		}

		// Submit refuses A findings, naming the field.
		whitening := w.content(t, `title: "美白祛斑精华", body: "温和配方", productID: $p`, "p", ordinary)
		res = w.do(t, w.editor, `mutation($id: ID!) { submitContent(id: $id) { status } }`, vars("id", whitening))
		wantError(t, res, "BAD_USER_INPUT", "title", "美白")
		medical := w.content(t, `title: "秋冬面霜", body: "本品可消炎抗敏"`)
		res = w.do(t, w.editor, `mutation($id: ID!) { submitContent(id: $id) { status } }`, vars("id", medical))
		wantError(t, res, "BAD_USER_INPUT", "body", "消炎")
		linked := w.content(t, `title: "我的护肤分享", body: "链接在这里 https://item.taobao.com/item.htm?id=1"`)
		res = w.do(t, w.editor, `mutation($id: ID!) { submitContent(id: $id) { status } }`, vars("id", linked))
		wantError(t, res, "BAD_USER_INPUT", "", "广告")
		w.must(t, w.editor, `mutation($id: ID!) { updateContent(id: $id, input: {title: "广告｜我的护肤分享"}) { id } }`, vars("id", linked), nil)
		var sub struct{ SubmitContent struct{ Status string } }
		w.must(t, w.editor, `mutation($id: ID!) { submitContent(id: $id) { status } }`, vars("id", linked), &sub)
		if sub.SubmitContent.Status != "IN_REVIEW" {
			t.Errorf("labelled content: %s", sub.SubmitContent.Status)
		}
		ordinal := w.content(t, `title: "第一次使用就爱上", body: "最近在用"`)
		w.must(t, w.editor, `mutation($id: ID!) { submitContent(id: $id) { status } }`, vars("id", ordinal), &sub)

		// Store profile, product titles and campaign names are checked too.
		var st struct {
			Node struct{ ComplianceFindings []finding }
		}
		w.must(t, w.editor, `query($id: ID!) { node(id: $id) { ... on Store { complianceFindings { field term severity } } } }`, vars("id", w.store), &st)
		if got := terms(st.Node.ComplianceFindings); !slices.Equal(got, []string{"全网第一:A", "加微信:A", "vx:A"}) {
			t.Errorf("store findings: %v", got)
		}
		topProduct := w.product(t, "销量冠军面霜 No.1", "COSMETICS", "COSMETIC_FILED")
		var pr struct {
			Node struct{ ComplianceFindings []finding }
		}
		w.must(t, w.editor, `query($id: ID!) { node(id: $id) { ... on Product { complianceFindings { term severity } } } }`, vars("id", topProduct), &pr)
		if got := terms(pr.Node.ComplianceFindings); !slices.Equal(got, []string{"销量冠军:A", "no1:A"}) {
			t.Errorf("product findings: %v", got)
		}
		var cp struct {
			CreateCampaign struct{ ComplianceFindings []finding }
		}
		w.must(t, w.owner, `mutation($s: ID!) { createCampaign(input: {storeID: $s, name: "顶级秒杀日", kind: COUPON, startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-02T00:00:00Z",
			rules: {coupon: {value: {amount: "5"}, minSpend: {amount: "50"}, quantity: 1, perUser: 1}}}) { complianceFindings { term severity } } }`, vars("s", w.store), &cp)
		if got := terms(cp.CreateCampaign.ComplianceFindings); !slices.Equal(got, []string{"顶级:A"}) {
			t.Errorf("campaign findings: %v", got)
		}
	})
}

// TestAssetRefusal: variant URLs and alt texts are validated as typed, and a
// submit whose assets lack a licence or a needed release, or whose licence has
// expired, is refused naming the asset.
func TestAssetRefusal(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newContentWorld(t, b)
		asset := func(input string) string {
			var out struct{ CreateAsset struct{ ID string } }
			w.must(t, w.editor, `mutation($o: ID!) { createAsset(input: {organizationID: $o, source: "自拍", `+input+`}) { id } }`, vars("o", w.org), &out)
			return out.CreateAsset.ID
		}
		past := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
		owned := asset(`name: "产品图", url: "https://cdn.example/p.jpg", licenceType: OWNED`)
		unlicensed := asset(`name: "网上找的图", url: "https://cdn.example/u.jpg"`)
		expired := asset(`name: "过期图库图", url: "https://cdn.example/e.jpg", licenceType: LICENSED, licenceExpiresAt: "` + past + `"`)
		noRelease := asset(`name: "模特图", url: "https://cdn.example/m.jpg", licenceType: COMMISSIONED, showsPeople: true`)

		res := w.do(t, w.editor, `mutation($s: ID!) { createContent(input: {storeID: $s, kind: ARTICLE, title: "x",
			variants: [{format: SQUARE_1_1, url: "not a url", altText: "x"}]}) { id } }`, vars("s", w.store))
		wantError(t, res, "BAD_USER_INPUT", "variants[0].url", "URL")
		res = w.do(t, w.editor, `mutation($s: ID!) { createContent(input: {storeID: $s, kind: ARTICLE, title: "x",
			variants: [{format: SQUARE_1_1, url: "https://cdn.example/a.jpg", altText: ""}]}) { id } }`, vars("s", w.store))
		wantError(t, res, "BAD_USER_INPUT", "variants[0].altText", "alt text")

		cases := []struct {
			name, asset, want string
		}{
			{"no licence", unlicensed, `asset "网上找的图" has no licence`},
			{"expired licence", expired, `asset "过期图库图": licence expired`},
			{"no model release", noRelease, `asset "模特图" shows people and has no model release`},
			{"licensed", owned, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				id := w.content(t, `title: "秋冬护肤", variants: [{format: SQUARE_1_1, url: "https://cdn.example/a.jpg", altText: "面霜", assetID: $a}]`, "a", c.asset)
				res := w.do(t, w.editor, `mutation($id: ID!) { submitContent(id: $id) { status } }`, vars("id", id))
				if c.want == "" {
					if len(res.Errors) > 0 {
						t.Fatalf("licensed asset refused: %+v", res.Errors)
					}
					return
				}
				wantError(t, res, "BAD_USER_INPUT", "variants[0].assetID", c.want)
			})
		}
		// Signing the release fixes the refusal.
		w.must(t, w.editor, `mutation($id: ID!) { updateAsset(id: $id, input: {modelRelease: true, modelReleaseRef: "合同 42"}) { id } }`, vars("id", noRelease), nil)
		id := w.content(t, `title: "秋冬护肤", variants: [{format: SQUARE_1_1, url: "https://cdn.example/a.jpg", altText: "面霜", assetID: $a}]`, "a", noRelease)
		w.must(t, w.editor, `mutation($id: ID!) { submitContent(id: $id) { status } }`, vars("id", id), nil)
	})
}

// demoEnv loads the demo data and signs in a demo user.
func demoEnv(t *testing.T, b testenv.Backend, email string) (*testenv.Env, string) {
	env := testenv.New(t, b)
	if _, err := demo.Load(context.Background(), env.Client); err != nil {
		t.Fatal(err)
	}
	var out struct{ Login struct{ Token string } }
	env.MustData(t, testenv.Request{Query: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		Variables: map[string]any{"e": email, "p": demo.Password}}, &out)
	return env, out.Login.Token
}

// TestEngagementOnDemoData: the recommended slot from the demo history, the
// import of engagement metrics (CSV and JSON, upsert per day, refused for
// content of another store), the experiments' decisions and the calendar.
func TestEngagementOnDemoData(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env, tok := demoEnv(t, b, "editor@brand-a.demo")
		sys := authz.SystemContext(context.Background())
		st, err := env.Client.Store.Query().Where(store.Name(demo.DemoHistoryStore)).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		other, err := env.Client.Store.Query().Where(store.Name("Brand A 官方旗舰店")).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		storeID := fmt.Sprint(st.ID)

		var rec struct {
			Node struct {
				RecommendedSlot *struct {
					Weekday, Hour, SampleSize int
					Rate                      float64
					Reliable                  bool
				}
				EngagementSlots []struct{ Weekday, Hour, Posts int }
			}
		}
		env.MustData(t, testenv.Request{Token: tok, Query: `query($id: ID!) { node(id: $id) { ... on Store {
			recommendedSlot(kind: ARTICLE) { weekday hour rate sampleSize reliable } engagementSlots(kind: ARTICLE) { weekday hour posts } } } }`,
			Variables: vars("id", storeID)}, &rec)
		r := rec.Node.RecommendedSlot
		if r == nil || r.Weekday != 6 || r.Hour != 20 || r.SampleSize != 6 || !r.Reliable || r.Rate < 0.06 {
			t.Errorf("recommendedSlot = %+v, want Saturday 20h from 6 posts", r)
		}
		if len(rec.Node.EngagementSlots) < 4 {
			t.Errorf("engagementSlots = %+v", rec.Node.EngagementSlots)
		}

		// Import: CSV then JSON for the same day replaces the numbers.
		var cs struct {
			Contents struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		env.MustData(t, testenv.Request{Token: tok, Query: `query($s: ID!) { contents(first: 1, where: {storeID: $s, status: PUBLISHED}) { edges { node { id } } } }`,
			Variables: vars("s", storeID)}, &cs)
		cid := cs.Contents.Edges[0].Node.ID
		imp := func(format, data string) *testenv.Response {
			return env.Do(t, testenv.Request{Token: tok, Query: `mutation($s: ID!, $f: EngagementImportFormat!, $d: String!) { importEngagementMetrics(storeID: $s, format: $f, data: $d) { rows } }`,
				Variables: vars("s", storeID, "f", format, "d", data)})
		}
		if res := imp("CSV", "contentId,day,views,likes,comments,shares,saves\n"+cid+",2020-01-01,100,5,1,1,3\n"+cid+",2020-01-02,50,1,0,0,1\n"); len(res.Errors) > 0 {
			t.Fatalf("CSV import: %+v", res.Errors)
		}
		if res := imp("JSON", `[{"contentId": "`+cid+`", "day": "2020-01-01", "views": 120, "likes": 9, "comments": 2, "shares": 1, "saves": 4}]`); len(res.Errors) > 0 {
			t.Fatalf("JSON import: %+v", res.Errors)
		}
		var eng struct {
			Node struct {
				Engagement struct {
					Edges []struct {
						Node struct {
							Day          string
							Views, Likes int
						}
					}
				}
			}
		}
		env.MustData(t, testenv.Request{Token: tok, Query: `query($id: ID!) { node(id: $id) { ... on Content {
			engagement(first: 50, where: {dayLT: "2021-01-01"}, orderBy: {field: DAY}) { edges { node { day views likes } } } } } }`, Variables: vars("id", cid)}, &eng)
		got := eng.Node.Engagement.Edges
		if len(got) != 2 || got[0].Node.Day != "2020-01-01" || got[0].Node.Views != 120 || got[0].Node.Likes != 9 || got[1].Node.Views != 50 {
			t.Errorf("engagement after import = %+v", got)
		}
		res := imp("CSV", "contentId,day,views,likes,comments,shares,saves\n"+cid+",2020-13-01,1,0,0,0,0\n")
		wantError(t, res, "BAD_USER_INPUT", "data", "YYYY-MM-DD")
		foreign, err := env.Client.Content.Query().Where().First(sys)
		if err != nil {
			t.Fatal(err)
		}
		if foreign.StoreID != st.ID {
			res = imp("CSV", fmt.Sprintf("contentId,day,views,likes,comments,shares,saves\n%d,2020-01-01,1,0,0,0,0\n", foreign.ID))
			wantError(t, res, "BAD_USER_INPUT", "data", "this store")
		}
		_ = other

		// Experiments: the title test has a winner, the cover test not yet.
		var ex struct {
			Experiments struct {
				Edges []struct {
					Node struct {
						Name   string
						Result struct {
							Winner                *string
							PValue                *float64
							NeededViewsPerVariant *int
							Summary               string
							Variants              []struct {
								Label string
								Views int
							}
						}
					}
				}
			}
		}
		env.MustData(t, testenv.Request{Token: tok, Query: `{ experiments(first: 10, orderBy: {field: NAME}) { edges { node { name
			result { winner pValue neededViewsPerVariant summary variants { label views } } } } } }`}, &ex)
		if len(ex.Experiments.Edges) != 2 {
			t.Fatalf("experiments = %+v", ex)
		}
		for _, e := range ex.Experiments.Edges {
			res := e.Node.Result
			switch {
			case strings.HasPrefix(e.Node.Name, "标题测试"):
				if res.Winner == nil || *res.Winner != "B" || *res.PValue >= 0.05 {
					t.Errorf("title test: %+v", res)
				}
			case strings.HasPrefix(e.Node.Name, "封面测试"):
				if res.Winner != nil || res.NeededViewsPerVariant == nil || *res.NeededViewsPerVariant <= 160 || !strings.Contains(res.Summary, "no winner yet") {
					t.Errorf("cover test: %+v", res)
				}
			}
		}

		// Calendar: the last 14 days of the history store.
		var cal struct {
			ContentCalendar []struct {
				Day      string
				Target   int
				Posted   []struct{ ID string }
				Breaches []string
			}
		}
		from := time.Now().AddDate(0, 0, -14)
		env.MustData(t, testenv.Request{Token: tok, Query: `query($s: ID!, $f: Time!, $t: Time!) { contentCalendar(scope: $s, from: $f, to: $t) { day target posted { id } breaches } }`,
			Variables: vars("s", storeID, "f", from.Format(time.RFC3339), "t", time.Now().Format(time.RFC3339))}, &cal)
		posted, gaps := 0, 0
		for _, d := range cal.ContentCalendar {
			posted += len(d.Posted)
			if slices.Contains(d.Breaches, "GAP") {
				gaps++
				if len(d.Posted) >= d.Target {
					t.Errorf("%s: GAP with %d posts for a target of %d", d.Day, len(d.Posted), d.Target)
				}
			}
		}
		if len(cal.ContentCalendar) < 14 || posted == 0 || gaps == 0 {
			t.Errorf("calendar: %d days, %d posted, %d gaps", len(cal.ContentCalendar), posted, gaps)
		}
		res = env.Do(t, testenv.Request{Token: tok, Query: `query($s: ID!) { contentCalendar(scope: $s, from: "2026-01-01T00:00:00Z", to: "2026-12-01T00:00:00Z") { day } }`,
			Variables: vars("s", storeID)})
		wantError(t, res, "BAD_USER_INPUT", "to", "days")
	})
}

// TestReadmeContentOpsExamples runs the README's content operations examples
// on the demo data.
func TestReadmeContentOpsExamples(t *testing.T) {
	env, tok := demoEnv(t, testenv.SQLite, "editor@brand-a.demo")
	for _, q := range []string{
		`{ checkCompliance(text: "全网第 一的美白精华，加微信领券", context: {surface: CONTENT}) { term matched start end severity category suggestion source } }`,
		`{ stores(first: 1, where: {name: "Brand A 小红书官方店"}) { edges { node { id recommendedSlot(kind: ARTICLE) { weekday hour rate sampleSize reliable }
			engagementSlots(kind: ARTICLE) { weekday hour posts rate } complianceFindings { field term severity } } } } }`,
		`{ experiments(first: 5) { edges { node { name dimension result { winner pValue neededViewsPerVariant summary variants { label views engagements rate } } } } } }`,
		`{ assets(first: 10) { edges { node { name licenceType licenceExpiresAt showsPeople modelRelease usageRestrictions } } } }`,
	} {
		var out map[string]any
		env.MustData(t, testenv.Request{Token: tok, Query: q}, &out)
		if fmt.Sprint(out) == "" {
			t.Errorf("no data for %s", q)
		}
	}
	var out struct {
		CheckCompliance []finding
	}
	env.MustData(t, testenv.Request{Token: tok, Query: `{ checkCompliance(text: "全网第 一的美白精华，加微信领券") { term severity } }`}, &out)
	if got := terms(out.CheckCompliance); !slices.Equal(got, []string{"全网第一:A", "美白:B", "加微信:A"}) {
		t.Errorf("README example findings: %v", got)
	}
}

// TestStoreCadenceValidated: a store's content cadence is checked on save.
func TestStoreCadenceValidated(t *testing.T) {
	w := newContentWorld(t, testenv.SQLite)
	res := w.do(t, w.owner, `mutation($id: ID!) { updateStore(id: $id, input: {contentCadence: {weekdayPosts: 1, weekendPosts: 1, deepOnWeekends: true, slots: ["08:00-10:00", "25:00-26:00"]}}) { id } }`, vars("id", w.store))
	wantError(t, res, "BAD_USER_INPUT", "contentCadence.slots[1]", "25:00-26:00")
	var out struct {
		UpdateStore struct {
			ContentCadence struct{ Slots []string }
		}
	}
	w.must(t, w.owner, `mutation($id: ID!) { updateStore(id: $id, input: {contentCadence: {weekdayPosts: 2, weekendPosts: 1, deepOnWeekends: true, slots: ["07:00-09:00"]}}) { contentCadence { slots } } }`, vars("id", w.store), &out)
	if !slices.Equal(out.UpdateStore.ContentCadence.Slots, []string{"07:00-09:00"}) {
		t.Errorf("cadence = %+v", out)
	}
}
