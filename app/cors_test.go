package app_test

import (
	"context"
	stdjson "encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/syncjob"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

const console = "http://localhost:3000"

func TestCORSValidate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cors    app.CORS
		wantErr bool
	}{
		{"none", app.CORS{}, false},
		{"listed origins with credentials", app.CORS{Origins: []string{console, "https://*.example.com"}, Credentials: true}, false},
		{"any origin without credentials", app.CORS{Origins: []string{"*"}}, false},
		{"any origin with credentials", app.CORS{Origins: []string{"*"}, Credentials: true}, true},
		{"host without scheme", app.CORS{Origins: []string{"localhost:3000"}}, true},
		{"path", app.CORS{Origins: []string{"http://localhost:3000/app"}}, true},
		{"other scheme", app.CORS{Origins: []string{"file://x"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.cors.Validate(); (err != nil) != tc.wantErr {
				t.Fatalf("Validate() = %v, want error %v", err, tc.wantErr)
			}
		})
	}
	if got := app.ParseOrigins(" http://localhost:3000/ , https://a.example ,"); !slices.Equal(got, []string{console, "https://a.example"}) {
		t.Fatalf("ParseOrigins = %q", got)
	}
}

// TestCORSPreflightAndWebsocketOrigin checks the headers a browser sees on a
// preflight and whether the WebSocket handshake admits the page's origin.
func TestCORSPreflightAndWebsocketOrigin(t *testing.T) {
	open := testenv.New(t, testenv.SQLite, testenv.WithCORS(app.CORS{Origins: []string{console}}))
	closed := testenv.New(t, testenv.SQLite)
	for _, tc := range []struct {
		name      string
		env       *testenv.Env
		origin    string
		wantAllow bool
	}{
		{"listed origin", open, console, true},
		{"other origin", open, "http://evil.example", false},
		{"no --cors-origins", closed, console, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodOptions, tc.env.URL+"/query", nil)
			req.Header.Set("Origin", tc.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-request-id")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			h := res.Header
			if got := h.Get("Access-Control-Allow-Origin"); (got == tc.origin) != tc.wantAllow {
				t.Fatalf("Access-Control-Allow-Origin = %q for %s (allow %v)", got, tc.origin, tc.wantAllow)
			}
			if tc.wantAllow {
				if res.StatusCode/100 != 2 {
					t.Errorf("preflight status %d", res.StatusCode)
				}
				methods := strings.ToUpper(h.Get("Access-Control-Allow-Methods"))
				headers := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
				for _, m := range []string{"POST"} {
					if !strings.Contains(methods, m) {
						t.Errorf("Access-Control-Allow-Methods %q lacks %s", methods, m)
					}
				}
				for _, hd := range []string{"authorization", "content-type", "x-request-id"} {
					if !strings.Contains(headers, hd) {
						t.Errorf("Access-Control-Allow-Headers %q lacks %s", headers, hd)
					}
				}
			}

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(tc.env.URL, "http")+"/query", &websocket.DialOptions{
				Subprotocols: []string{"graphql-transport-ws"},
				HTTPHeader:   http.Header{"Origin": {tc.origin}},
			})
			if tc.wantAllow {
				if err != nil {
					t.Fatalf("WebSocket from %s refused: %v", tc.origin, err)
				}
				c.CloseNow()
				return
			}
			if err == nil {
				c.CloseNow()
				t.Fatalf("WebSocket from %s accepted", tc.origin)
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("WebSocket from %s: %v, want 403", tc.origin, err)
			}
		})
	}
}

// consolePage is a console served from another origin: it queries over HTTP
// with a bearer token and a request id, subscribes over WebSocket, and writes
// what it got into the DOM for the test to read.
const consolePage = `<!doctype html><html><body><script>
const api = %q, token = %q, jobID = %q;
const out = (id, v) => { const e = document.createElement("pre"); e.id = id; e.textContent = JSON.stringify(v); document.body.appendChild(e); };
(async () => {
  try {
    const r = await fetch(api + "/query", {method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token, "X-Request-Id": "console-1"},
      body: JSON.stringify({query: "{ me { email } }"})});
    out("query", {status: r.status, requestId: r.headers.get("X-Request-Id"), body: await r.json()});
  } catch (e) { out("query", {error: String(e)}); }
  const ws = new WebSocket(api.replace(/^http/, "ws") + "/query", "graphql-transport-ws");
  ws.onopen = () => ws.send(JSON.stringify({type: "connection_init", payload: {Authorization: "Bearer " + token}}));
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === "connection_ack") ws.send(JSON.stringify({id: "1", type: "subscribe",
      payload: {query: "subscription($id: ID!) { syncJobUpdated(id: $id) { id status } }", variables: {id: jobID}}}));
    if (msg.type === "next") { out("subscription", msg.payload); ws.close(); }
    if (msg.type === "error") out("subscription", {error: msg.payload});
  };
  ws.onerror = () => out("subscription", {error: "websocket error"});
})();
</script></body></html>`

// TestBrowserConsoleOnAnotherOrigin drives a real headless Chromium: a page
// on http://localhost:<port> queries and subscribes to the API on
// http://127.0.0.1:<other port>.
func TestBrowserConsoleOnAnotherOrigin(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (Debian package chromium): browser test skipped")
	}
	var html string
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(html))
	}))
	defer page.Close()
	origin := fmt.Sprintf("http://localhost:%d", page.Listener.Addr().(*net.TCPAddr).Port)

	env := testenv.New(t, testenv.SQLite, testenv.WithCORS(app.CORS{Origins: []string{origin}}))
	org := env.Org(t, "Brand A", 0)
	token := env.User(t, "owner@a.test", testenv.Grant{Org: org, Role: "owner"})
	sys := authz.SystemContext(context.Background())
	st, err := env.Client.Store.Create().SetName("Store").SetPlatform("TMALL").SetOrganizationID(org).Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	job, err := env.Client.SyncJob.Create().SetStoreID(st.ID).SetWhat([]string{"PRODUCTS"}).SetStatus(syncjob.StatusSUCCEEDED).Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	html = fmt.Sprintf(consolePage, env.URL, token, fmt.Sprint(job.ID))

	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(origin+"/")); err != nil {
		t.Fatalf("browser: open the console page: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.WaitReady(chromedp.ID("subscription"))); err != nil {
		t.Fatalf("browser: the page never wrote its subscription result: %v", err)
	}
	queryJSON, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("query")))
	if err != nil {
		t.Fatal(err)
	}
	subJSON, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("subscription")))
	if err != nil {
		t.Fatal(err)
	}
	var q struct {
		Status    int
		RequestID string
		Body      struct {
			Data   struct{ Me struct{ Email string } }
			Errors []testenv.GQLError
		}
		Error string
	}
	if err := stdjson.Unmarshal([]byte(queryJSON), &q); err != nil {
		t.Fatalf("query result %s: %v", queryJSON, err)
	}
	if q.Error != "" || q.Status != 200 || q.Body.Data.Me.Email != "owner@a.test" || len(q.Body.Errors) > 0 {
		t.Fatalf("page's query: %s", queryJSON)
	}
	if q.RequestID != "console-1" {
		t.Errorf("page read X-Request-Id %q, want the one it sent (exposed header)", q.RequestID)
	}
	var s struct {
		Data struct {
			SyncJobUpdated struct{ ID, Status string }
		}
		Error any
	}
	if err := stdjson.Unmarshal([]byte(subJSON), &s); err != nil {
		t.Fatalf("subscription result %s: %v", subJSON, err)
	}
	if s.Error != nil || s.Data.SyncJobUpdated.ID != fmt.Sprint(job.ID) || s.Data.SyncJobUpdated.Status != "SUCCEEDED" {
		t.Fatalf("page's subscription: %s", subJSON)
	}
}
