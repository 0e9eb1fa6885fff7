package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// rawCall sends one HTTP request to /query and decodes the JSON answer,
// failing the test when the answer is not a JSON object.
func rawCall(t *testing.T, env *testenv.Env, method, ctype, tok string, body []byte, query url.Values) (int, *testenv.Response, http.Header) {
	t.Helper()
	u := env.URL + "/query"
	if query != nil {
		u += "?" + query.Encode()
	}
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s /query: %v", method, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := &testenv.Response{Status: res.StatusCode}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s %s: answer is not JSON (status %d): %q", method, ctype, res.StatusCode, raw)
	}
	return res.StatusCode, out, res.Header
}

// leaks reports Go or SQL internals in an error message.
func leaks(msg string) bool {
	for _, s := range []string{"strconv.", "sql:", "SQL", "sqlite", "pq:", "pgx", "ent:", "runtime error", "panic", "goroutine",
		"json: cannot", "invalid character", "unexpected EOF", "http: request body too large", ".go:"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// TestTransportRefusals is finding 5 of issue 7: every refused request is
// answered in JSON with a stable code and the right HTTP status, without
// internals, and the server keeps answering.
func TestTransportRefusals(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		env := testenv.New(t, be)
		org := env.Org(t, "Brand", 0)
		tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		big := []byte(`{"query": "{ me { id } }", "variables": {"x": "` + strings.Repeat("a", 5<<20) + `"}}`)
		json := "application/json"
		for _, c := range []struct {
			name, method, ctype string
			body                string
			raw                 []byte
			query               url.Values
			status              int
			code                string
		}{
			{name: "body over the limit", method: "POST", ctype: json, raw: big, status: 413, code: "PAYLOAD_TOO_LARGE"},
			{name: "malformed JSON", method: "POST", ctype: json, body: `{"query": "{ me { id } }"`, status: 400, code: "BAD_REQUEST"},
			{name: "empty body", method: "POST", ctype: json, body: ``, status: 400, code: "BAD_REQUEST"},
			{name: "JSON array", method: "POST", ctype: json, body: `[{"query": "{ me { id } }"}]`, status: 400, code: "BAD_REQUEST"},
			{name: "JSON string", method: "POST", ctype: json, body: `"{ me { id } }"`, status: 400, code: "BAD_REQUEST"},
			{name: "query not a string", method: "POST", ctype: json, body: `{"query": 42}`, status: 400, code: "BAD_REQUEST"},
			{name: "variables not an object", method: "POST", ctype: json, body: `{"query": "{ me { id } }", "variables": [1]}`, status: 400, code: "BAD_REQUEST"},
			{name: "NaN", method: "POST", ctype: json, body: `{"query": "query($n: Int) { stores(first: $n) { totalCount } }", "variables": {"n": NaN}}`, status: 400, code: "BAD_REQUEST"},
			{name: "Infinity", method: "POST", ctype: json, body: `{"query": "query($n: Int) { stores(first: $n) { totalCount } }", "variables": {"n": Infinity}}`, status: 400, code: "BAD_REQUEST"},
			{name: "trailing garbage", method: "POST", ctype: json, body: `{"query": "{ me { id } }"} {}`, status: 400, code: "BAD_REQUEST"},
			{name: "text/plain", method: "POST", ctype: "text/plain", body: `{"query": "{ me { id } }"}`, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
			{name: "no content type", method: "POST", ctype: "", body: `{"query": "{ me { id } }"}`, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
			{name: "mutation over GET", method: "GET", query: url.Values{"query": {`mutation { logout }`}}, status: 405, code: "METHOD_NOT_ALLOWED"},
			{name: "PUT", method: "PUT", ctype: json, body: `{"query": "{ me { id } }"}`, status: 405, code: "METHOD_NOT_ALLOWED"},
			{name: "GET without query", method: "GET", status: 400, code: "BAD_REQUEST"},
			{name: "bad id literal", method: "POST", ctype: json, body: `{"query": "{ node(id: \"abc-1234567\") { id } }"}`, status: 200, code: "BAD_USER_INPUT"},
			{name: "bad id variable", method: "POST", ctype: json, body: `{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "abc-1234567"}}`, status: 200, code: "BAD_USER_INPUT"},
			{name: "huge id", method: "POST", ctype: json, body: `{"query": "{ node(id: \"99999999999999999999999\") { id } }"}`, status: 200, code: "BAD_USER_INPUT"},
		} {
			t.Run(c.name, func(t *testing.T) {
				body := c.raw
				if body == nil {
					body = []byte(c.body)
				}
				status, res, _ := rawCall(t, env, c.method, c.ctype, tok, body, c.query)
				if status != c.status {
					t.Errorf("status %d, want %d (%+v)", status, c.status, res.Errors)
				}
				if len(res.Errors) == 0 {
					t.Fatalf("no error; data %s", res.Data)
				}
				for _, e := range res.Errors {
					if e.Code() != c.code {
						t.Errorf("code %q (%q), want %s", e.Code(), e.Message, c.code)
					}
					if leaks(e.Message) || strings.Contains(e.Message, "abc-1234567") {
						t.Errorf("message leaks internals or echoes the input: %q", e.Message)
					}
				}
				if c.code == "BAD_USER_INPUT" {
					if f, _ := res.Errors[0].Extensions["field"].(string); f != "id" {
						t.Errorf("field = %q, want id", f)
					}
				}
			})
		}
		// The server still answers.
		var out struct{ Me struct{ ID string } }
		mustOK(t, env, tok, `{ me { id } }`, nil, &out)
	})
}

// TestEmptyListsAndNullsInFilters: an empty `…In: []` list and a null filter
// field are no condition (entgql's meaning, see decision 0104), and a filter
// object left without any condition is BAD_USER_INPUT, never INTERNAL.
func TestEmptyListsAndNullsInFilters(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		env := testenv.New(t, be)
		org := env.Org(t, "Brand", 0)
		owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		seedTenant(t, env, org, owner, "A")
		tok := env.Login(t, "owner@brand.test")
		for _, c := range []struct {
			where string
			want  int
		}{
			{`{}`, 2},
			{`{idIn: []}`, 2},
			{`{titleIn: []}`, 2},
			{`{idNotIn: []}`, 2},
			{`{title: null}`, 2},
			{`{titleIn: null}`, 2},
			{`{hasStoreWith: []}`, 2},
			{`{hasStoreWith: null}`, 2},
			{`{and: []}`, 2},
			{`{or: []}`, 2},
			{`{not: null}`, 2},
			{`{hasStoreWith: [{nameIn: []}]}`, -1},
			{`{hasStoreWith: [{}]}`, -1},
		} {
			var out struct{ Products struct{ TotalCount int } }
			res := gql(t, env, tok, `{ products(where: `+c.where+`) { totalCount } }`, nil)
			if c.want < 0 {
				wantCode(t, res, "BAD_USER_INPUT")
				continue
			}
			if len(res.Errors) > 0 {
				t.Errorf("where %s: %s %q", c.where, res.Errors[0].Code(), res.Errors[0].Message)
				continue
			}
			res.Decode(t, &out)
			if out.Products.TotalCount != c.want {
				t.Errorf("where %s: %d products, want %d", c.where, out.Products.TotalCount, c.want)
			}
		}
	})
}
