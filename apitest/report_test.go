package apitest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/demo"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/ent/user"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/report"
)

// fetched is the status and headers of a download (the body is read and closed).
type fetched struct {
	StatusCode int
	Header     http.Header
}

// download GETs a report path; tok is sent as a bearer token when not empty.
func download(t *testing.T, env *testenv.Env, path, tok string) (*fetched, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &fetched{StatusCode: res.StatusCode, Header: res.Header}, b
}

// wantDownloadError checks a refused download: status and JSON error code.
func wantDownloadError(t *testing.T, what string, res *fetched, body []byte, status int, code string) {
	t.Helper()
	var out struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(body, &out); err != nil || res.StatusCode != status || len(out.Errors) != 1 || out.Errors[0].Extensions.Code != code ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s: status %d, body %.300s; want %d %s", what, res.StatusCode, body, status, code)
	}
}

// createLink asks createReportLink for a link and returns its path.
func createLink(t *testing.T, env *testenv.Env, tok string, org int, day, format string) string {
	t.Helper()
	var out struct {
		CreateReportLink struct {
			URL, Format string
			ExpiresAt   time.Time
		}
	}
	env.MustData(t, testenv.Request{Token: tok, Query: `mutation($org: ID!, $day: String!, $f: ReportFormat!) {
		createReportLink(organizationID: $org, period: {kind: MONTH, day: $day}, format: $f) { url format expiresAt } }`,
		Variables: map[string]any{"org": org, "day": day, "f": format}}, &out)
	l := out.CreateReportLink
	if !strings.HasPrefix(l.URL, "/reports/"+strings.ToLower(format)+"?link=") || l.Format != format {
		t.Fatalf("link %+v", l)
	}
	return l.URL
}

// externalRef finds anything in a page that could load or link elsewhere.
var externalRef = regexp.MustCompile(`(?i)(<[^>]*\s(src|href|xlink:href|action|srcset|poster|data)\s*=|url\s*\(|https?:|//[a-z0-9]|@import|<script|<link|<iframe|<object|<embed|<base)`)

func TestClientReport(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		clock := testenv.NewClock(time.Now())
		env := testenv.New(t, b, testenv.WithClock(clock.Now))
		if _, err := demo.Load(context.Background(), env.Client); err != nil {
			t.Fatal(err)
		}
		sys := authz.SystemContext(context.Background())
		agency := env.Client.Organization.Query().Where(organization.KindEQ(organization.KindAGENCY)).OnlyX(sys)
		brands := env.Client.Organization.Query().Where(organization.ParentID(agency.ID)).Order(organization.ByID()).AllX(sys)
		brandA, brandB := brands[0], brands[1]
		loc, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Now().In(loc)
		lastMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -1, 0)
		day := lastMonth.Format(time.DateOnly)
		owner := demoLogin(t, env, "owner@agency.demo")
		// Alerts: brand A's in the period (with a URL in its text), brand B's
		// in the period and brand A's of the month before: only the first is reported.
		mid := lastMonth.AddDate(0, 0, 14)
		inPeriod := env.Client.Alert.Create().SetOrganizationID(brandA.ID).SetKind(alert.KindREFUND_SPIKE).SetSeverity(alert.SeverityCRITICAL).
			SetMessage("退款率突增，详见 https://evil.example/x").SetCreatedAt(mid).SaveX(sys)
		env.Client.Alert.Create().SetOrganizationID(brandB.ID).SetKind(alert.KindREFUND_SPIKE).SetMessage("brand B").SetCreatedAt(mid).SaveX(sys)
		env.Client.Alert.Create().SetOrganizationID(brandA.ID).SetKind(alert.KindREFUND_SPIKE).SetMessage("before").SetCreatedAt(lastMonth.AddDate(0, 0, -1)).SaveX(sys)

		// The structured report agrees with organizationInsights.
		var gq struct {
			ClientReport struct {
				Title  string
				Period struct{ From, To string }
				Kpis   []struct {
					Metric string
					Value  float64
				}
				Trend []struct {
					Day        string
					PaidAmount moneyOut
					PaidOrders int64
					Visitors   int64
				}
				Funnel      []struct{ Count int64 }
				TrafficMix  []struct{ Visitors int64 }
				TopProducts []struct {
					Product    struct{ ID string }
					PaidAmount moneyOut
				}
				Campaigns []struct {
					Campaign struct{ Name string }
					Results  struct{ PaidAmount moneyOut }
				}
				Collaborations []struct{ AttributedGmv moneyOut }
				Contents       []struct{ Title string }
				Alerts         []struct{ ID string }
			}
			OrganizationInsights struct {
				Figures struct {
					PaidAmount moneyOut
					PaidOrders int64
					Visitors   int64
				}
			}
		}
		env.MustData(t, testenv.Request{Token: owner, Variables: map[string]any{"org": brandA.ID, "day": day}, Query: `query($org: ID!, $day: String!) {
			clientReport(organizationID: $org, period: {kind: MONTH, day: $day}) {
				title period { from to } kpis { metric value } trend { day paidAmount { amount } paidOrders visitors }
				funnel { count } trafficMix { visitors } topProducts { product { id } paidAmount { amount } }
				campaigns { campaign { name } results { paidAmount { amount } } } collaborations { attributedGmv { amount } }
				contents { title } alerts { id } }
			organizationInsights(organizationID: $org, period: {kind: MONTH, day: $day}) { figures { paidAmount { amount } paidOrders visitors } } }`}, &gq)
		rep, fig := gq.ClientReport, gq.OrganizationInsights.Figures
		paid := fig.PaidAmount.fen(t)
		if paid == 0 || fig.Visitors == 0 {
			t.Fatalf("demo month without sales: %+v", fig)
		}
		if rep.Title != brandA.Name+" 月报 "+lastMonth.Format("2006-01") || rep.Period.From != day {
			t.Errorf("title %q period %+v", rep.Title, rep.Period)
		}
		var trendPaid, trendOrders, trendVisitors int64
		for _, d := range rep.Trend {
			trendPaid += d.PaidAmount.fen(t)
			trendOrders += d.PaidOrders
			trendVisitors += d.Visitors
		}
		if len(rep.Trend) != lastMonth.AddDate(0, 1, -1).Day() || trendPaid != paid || trendOrders != fig.PaidOrders || trendVisitors != fig.Visitors {
			t.Errorf("trend: %d days, %d fen, %d orders, %d visitors; insights %d fen %d orders %d visitors",
				len(rep.Trend), trendPaid, trendOrders, trendVisitors, paid, fig.PaidOrders, fig.Visitors)
		}
		if rep.Kpis[0].Metric != "PAID_AMOUNT" || int64(rep.Kpis[0].Value) != paid || rep.Funnel[0].Count != fig.Visitors || len(rep.TopProducts) == 0 {
			t.Errorf("kpis %+v funnel %+v products %d", rep.Kpis[:1], rep.Funnel, len(rep.TopProducts))
		}
		var mixVisitors int64
		for _, s := range rep.TrafficMix {
			mixVisitors += s.Visitors
		}
		if mixVisitors != fig.Visitors {
			t.Errorf("traffic mix %d visitors, figures %d", mixVisitors, fig.Visitors)
		}
		if len(rep.Alerts) != 1 || rep.Alerts[0].ID != strconv.Itoa(inPeriod.ID) {
			t.Errorf("alerts %+v, want only %d", rep.Alerts, inPeriod.ID)
		}
		t.Logf("report of %s %s: %d fen, %d products, %d campaigns, %d collaborations, %d contents, %d alerts",
			brandA.Name, day, paid, len(rep.TopProducts), len(rep.Campaigns), len(rep.Collaborations), len(rep.Contents), len(rep.Alerts))

		// An agency's report covers its clients, with the same totals as organizationInsights.
		var ag struct {
			ClientReport struct {
				Kpis []struct{ Value float64 }
			}
			OrganizationInsights struct{ Figures struct{ PaidAmount moneyOut } }
		}
		env.MustData(t, testenv.Request{Token: owner, Variables: map[string]any{"org": agency.ID, "day": day}, Query: `query($org: ID!, $day: String!) {
			clientReport(organizationID: $org, period: {kind: MONTH, day: $day}) { kpis { value } }
			organizationInsights(organizationID: $org, period: {kind: MONTH, day: $day}) { figures { paidAmount { amount } } } }`}, &ag)
		if agPaid := ag.OrganizationInsights.Figures.PaidAmount.fen(t); int64(ag.ClientReport.Kpis[0].Value) != agPaid || agPaid <= paid {
			t.Errorf("agency report %v, insights %d, brand A %d", ag.ClientReport.Kpis[0].Value, agPaid, paid)
		}

		// XLSX with the bearer token: sheets, native charts, totals equal the GraphQL figures.
		q := "?" + url.Values{"organizationID": {strconv.Itoa(brandA.ID)}, "kind": {"MONTH"}, "day": {day}}.Encode()
		before, started := env.Statements.Load(), time.Now()
		res, body := download(t, env, "/reports/xlsx"+q, owner)
		t.Logf("xlsx download: %d bytes, %d SQL statements, %v", len(body), env.Statements.Load()-before, time.Since(started).Round(time.Millisecond))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != report.XLSXContentType {
			t.Fatalf("xlsx: %d %s %.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		wantName := url.PathEscape(strings.ReplaceAll(brandA.Name, " ", "_") + "_月报_" + lastMonth.Format("2006-01") + ".xlsx")
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=\"opsgraph-report-") ||
			!strings.Contains(cd, "filename*=UTF-8''"+wantName) {
			t.Errorf("Content-Disposition %q, want filename*=UTF-8''%s", cd, wantName)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := strings.Join(f.GetSheetList(), ","); got != "概览,趋势,渠道,漏斗,商品,活动与达人,内容,预警" {
			t.Errorf("sheets %s", got)
		}
		if kinds := strings.Join(chartKinds(t, body), ","); kinds != "lineChart,doughnutChart,barChart" {
			t.Errorf("charts %q", kinds)
		}
		cellNum := func(sheet, cell string) float64 {
			v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			n, perr := strconv.ParseFloat(v, 64)
			if err != nil || perr != nil {
				t.Errorf("%s!%s = %q", sheet, cell, v)
			}
			return n
		}
		rows, _ := f.GetRows("趋势")
		last := len(rows)
		if rows[last-1][0] != "合计" || math.Round(cellNum("趋势", "B"+strconv.Itoa(last))*100) != float64(paid) ||
			cellNum("趋势", "C"+strconv.Itoa(last)) != float64(fig.PaidOrders) || cellNum("趋势", "D"+strconv.Itoa(last)) != float64(fig.Visitors) {
			t.Errorf("趋势 合计 row %v, want %d fen %d orders %d visitors", rows[last-1], paid, fig.PaidOrders, fig.Visitors)
		}
		if name, _ := f.GetCellValue("概览", "A5"); name != "支付金额" || math.Round(cellNum("概览", "B5")*100) != float64(paid) {
			t.Errorf("概览 支付金额 %s %v, want %d fen", name, cellNum("概览", "B5"), paid)
		}
		if cellNum("漏斗", "B2") != float64(fig.Visitors) {
			t.Errorf("漏斗 访客 %v", cellNum("漏斗", "B2"))
		}
		var sheetVisitors float64
		for i := range rep.TrafficMix {
			sheetVisitors += cellNum("渠道", "B"+strconv.Itoa(i+2))
		}
		if sheetVisitors != float64(fig.Visitors) {
			t.Errorf("渠道 visitors %v", sheetVisitors)
		}
		if rows, _ := f.GetRows("商品"); len(rows) != len(rep.TopProducts)+1 ||
			math.Round(cellNum("商品", "F2")*100) != float64(rep.TopProducts[0].PaidAmount.fen(t)) {
			t.Errorf("商品 %d rows", len(rows))
		}
		if rows, _ := f.GetRows("内容"); len(rows) != len(rep.Contents)+1 {
			t.Errorf("内容 %d rows, GraphQL %d contents", len(rows), len(rep.Contents))
		}
		if rows, _ := f.GetRows("预警"); len(rows) != len(rep.Alerts)+1 {
			t.Errorf("预警 %d rows, GraphQL %d alerts", len(rows), len(rep.Alerts))
		}

		// HTML through a signed link, without a token header.
		link := createLink(t, env, owner, brandA.ID, day, "HTML")
		started = time.Now()
		res, body = download(t, env, link, "")
		t.Logf("html download: %d bytes, %v", len(body), time.Since(started).Round(time.Millisecond))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("html: %d %.300s", res.StatusCode, body)
		}
		page := string(body)
		if !strings.Contains(page, "详见 https：／／evil.example") {
			t.Errorf("the alert's URL is not shown defanged")
		}
		if m := externalRef.FindAllString(page, -1); len(m) > 0 {
			t.Errorf("external references in the page: %q", m)
		}
		if !strings.Contains(page, "<polyline") || !strings.Contains(page, "stroke-dasharray") || !strings.Contains(page, "<rect") ||
			!strings.Contains(page, report.FormatYuan(paid)) || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline;") {
			t.Errorf("page: charts or total %s missing, headers %v", report.FormatYuan(paid), res.Header)
		}

		// A link opens its own format only, and only untampered.
		xlsxLink := createLink(t, env, owner, brandA.ID, day, "XLSX")
		if res, body := download(t, env, xlsxLink, ""); res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("PK")) {
			t.Errorf("xlsx link: %d", res.StatusCode)
		}
		res, body = download(t, env, strings.Replace(xlsxLink, "/reports/xlsx", "/reports/html", 1), "")
		wantDownloadError(t, "other format", res, body, 401, "UNAUTHENTICATED")
		tok, _ := url.QueryUnescape(strings.TrimPrefix(xlsxLink, "/reports/xlsx?link="))
		payload, sig, _ := strings.Cut(tok, ".")
		raw, _ := base64URL.DecodeString(payload)
		forged := strings.Replace(string(raw), `"o":`+strconv.Itoa(brandA.ID), `"o":`+strconv.Itoa(brandB.ID), 1)
		if forged == string(raw) {
			t.Fatalf("payload %s", raw)
		}
		for what, bad := range map[string]string{
			"forged organization": base64URL.EncodeToString([]byte(forged)) + "." + sig,
			"tampered signature":  payload + "." + strings.ToUpper(sig[:4]) + sig[4:] + "A",
			"no signature":        payload,
			"garbage":             "x.y",
		} {
			res, body := download(t, env, "/reports/xlsx?link="+url.QueryEscape(bad), "")
			wantDownloadError(t, what, res, body, 401, "UNAUTHENTICATED")
		}

		// No credentials; another tenant's bearer; bad input.
		res, body = download(t, env, "/reports/xlsx"+q, "")
		wantDownloadError(t, "anonymous", res, body, 401, "UNAUTHENTICATED")
		analystB := demoLogin(t, env, "analyst@brand-b.demo")
		res, body = download(t, env, "/reports/xlsx"+q, analystB)
		wantDownloadError(t, "other tenant", res, body, 404, "NOT_FOUND")
		wantCode(t, gql(t, env, analystB, `mutation($org: ID!) { createReportLink(organizationID: $org, period: {kind: MONTH}, format: XLSX) { url } }`,
			vars("org", brandA.ID)), "NOT_FOUND")
		wantCode(t, gql(t, env, analystB, `query($org: ID!) { clientReport(organizationID: $org, period: {kind: MONTH}) { title } }`,
			vars("org", brandA.ID)), "NOT_FOUND")
		res, body = download(t, env, "/reports/xlsx?organizationID="+strconv.Itoa(brandA.ID)+"&kind=YEAR", owner)
		wantDownloadError(t, "bad kind", res, body, 400, "BAD_USER_INPUT")
		res, body = download(t, env, "/reports/pdf"+q, owner)
		wantDownloadError(t, "bad format", res, body, 400, "BAD_USER_INPUT")

		// A user removed from the organization: their link stops working.
		env.SeedUser(t, "report-analyst@brand-a.demo", testenv.Grant{Org: brandA.ID, Role: authz.RoleAnalyst})
		analystA := env.Login(t, "report-analyst@brand-a.demo")
		removedLink := createLink(t, env, analystA, brandA.ID, day, "XLSX")
		if res, _ := download(t, env, removedLink, ""); res.StatusCode != http.StatusOK {
			t.Fatalf("analyst link: %d", res.StatusCode)
		}
		env.Client.Membership.Delete().Where(membership.OrganizationID(brandA.ID),
			membership.HasUserWith(user.Email("report-analyst@brand-a.demo"))).ExecX(sys)
		res, body = download(t, env, removedLink, "")
		wantDownloadError(t, "removed user", res, body, 404, "NOT_FOUND")

		// A link made with an API token dies with the token.
		var created struct {
			CreateAPIToken struct {
				Token    string
				APIToken struct{ ID string } `json:"apiToken"`
			}
		}
		env.MustData(t, testenv.Request{Token: owner, Variables: map[string]any{"org": brandA.ID}, Query: `mutation($org: ID!) {
			createAPIToken(name: "reports", organizationID: $org, role: "analyst") { token apiToken { id } } }`}, &created)
		tokenLink := createLink(t, env, created.CreateAPIToken.Token, brandA.ID, day, "HTML")
		if res, _ := download(t, env, tokenLink, ""); res.StatusCode != http.StatusOK {
			t.Errorf("API token link: %d", res.StatusCode)
		}
		env.MustData(t, testenv.Request{Token: owner, Variables: map[string]any{"id": created.CreateAPIToken.APIToken.ID},
			Query: `mutation($id: ID!) { revokeAPIToken(id: $id) { id } }`}, nil)
		res, body = download(t, env, tokenLink, "")
		wantDownloadError(t, "revoked API token", res, body, 401, "UNAUTHENTICATED")

		// Signing out ends the session's links.
		ownerLink := createLink(t, env, owner, brandA.ID, day, "XLSX")
		env.MustData(t, testenv.Request{Token: owner, Query: `mutation { logout }`}, nil)
		res, body = download(t, env, ownerLink, "")
		wantDownloadError(t, "signed out", res, body, 401, "UNAUTHENTICATED")

		// A link expires after 15 minutes.
		admin := demoLogin(t, env, "admin@agency.demo")
		adminLink := createLink(t, env, admin, brandA.ID, day, "HTML")
		clock.Advance(14 * time.Minute)
		if res, _ := download(t, env, adminLink, ""); res.StatusCode != http.StatusOK {
			t.Errorf("link at 14 min: %d", res.StatusCode)
		}
		clock.Advance(time.Minute + time.Second)
		res, body = download(t, env, adminLink, "")
		wantDownloadError(t, "expired", res, body, 401, "UNAUTHENTICATED")
		if !strings.Contains(string(body), "expired") {
			t.Errorf("expired: %s", body)
		}
	})
}

var base64URL = base64.RawURLEncoding

// chartKinds lists the chart kinds of the workbook's chart parts, in order.
func chartKinds(t *testing.T, b []byte) []string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<(?:c:)?(lineChart|doughnutChart|pieChart|barChart)>`)
	var kinds []string
	for i := 1; ; i++ {
		var part *zip.File
		for _, f := range z.File {
			if f.Name == "xl/charts/chart"+strconv.Itoa(i)+".xml" {
				part = f
			}
		}
		if part == nil {
			return kinds
		}
		rc, _ := part.Open()
		x, _ := io.ReadAll(rc)
		rc.Close()
		for _, m := range re.FindAllStringSubmatch(string(x), -1) {
			kinds = append(kinds, m[1])
		}
	}
}

// A download spends ReportCost from the caller's rate budget: with a budget
// of 1.5 reports per minute the second download is refused with 429.
func TestClientReportRateLimited(t *testing.T) {
	env := testenv.New(t, testenv.Backends()[0], func(c *app.Config) { c.RateLimits = app.RateLimits{PerToken: app.ReportCost * 3 / 2} })
	org := env.Org(t, "限流品牌", 0)
	tok := env.User(t, "limited@example.com", testenv.Grant{Org: org, Role: authz.RoleAnalyst})
	path := "/reports/html?kind=DAY&day=2026-11-11&organizationID=" + strconv.Itoa(org)
	if res, body := download(t, env, path, tok); res.StatusCode != http.StatusOK || externalRef.Match(body) {
		t.Fatalf("first download: %d %.200s", res.StatusCode, body)
	}
	res, body := download(t, env, path, tok)
	wantDownloadError(t, "second download", res, body, 429, "RATE_LIMITED")
	if res.Header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After")
	}
}
