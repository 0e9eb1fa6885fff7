package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Transport-level codes: the request never became a GraphQL operation.
const (
	CodeBadRequest           = "BAD_REQUEST"            // HTTP 400: not a GraphQL request (JSON, shape, types)
	CodePayloadTooLarge      = "PAYLOAD_TOO_LARGE"      // HTTP 413: body over --max-body-bytes
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE" // HTTP 415: POST without Content-Type application/json
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"     // HTTP 405: other methods, mutations over GET
)

// guardTransport checks what gqlgen's transports would mishandle before they
// see it, and answers every refusal in JSON with extensions.code and the
// matching HTTP status: the body is read once, within the limit, and must be
// one JSON object of the GraphQL-over-HTTP shape.
func guardTransport(next http.Handler, maxBody int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		switch r.Method {
		case http.MethodOptions:
		case http.MethodGet:
			if status, code, msg := checkGET(r); status != 0 {
				refuse(w, status, code, msg)
				return
			}
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || (mt != "application/json" && mt != "application/graphql-response+json") {
				refuse(w, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "send the request as Content-Type: application/json")
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					refuse(w, http.StatusRequestEntityTooLarge, CodePayloadTooLarge, "request body is over the limit")
					return
				}
				refuse(w, http.StatusBadRequest, CodeBadRequest, "the request body could not be read")
				return
			}
			if int64(len(body)) > maxBody {
				refuse(w, http.StatusRequestEntityTooLarge, CodePayloadTooLarge, "request body is over the limit")
				return
			}
			if msg := checkBody(body); msg != "" {
				refuse(w, http.StatusBadRequest, CodeBadRequest, msg)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			refuse(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use POST (or GET for queries)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkBody accepts exactly one JSON object whose members have the types of
// the GraphQL-over-HTTP request: query and operationName strings, variables
// and extensions objects (each may be null or absent).
func checkBody(body []byte) string {
	const shape = `the body must be one JSON object: {"query": string, "operationName": string, "variables": object, "extensions": object}`
	if len(bytes.TrimSpace(body)) == 0 {
		return "the request body is empty; " + shape
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var req map[string]json.RawMessage
	if err := dec.Decode(&req); err != nil || req == nil {
		return "the request body is not valid JSON or not an object; " + shape
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "the request body has data after the JSON object; " + shape
	}
	for k, v := range req {
		if string(v) == "null" {
			continue
		}
		switch k {
		case "query", "operationName":
			if v[0] != '"' {
				return k + " must be a string; " + shape
			}
		case "variables", "extensions":
			if v[0] != '{' {
				return k + " must be an object; " + shape
			}
		}
	}
	if q, ok := req["query"]; (!ok || string(q) == "null") && req["extensions"] == nil {
		return "query is missing; " + shape
	}
	return ""
}

// checkGET refuses GET requests without a query, with malformed variables or
// extensions, or whose operation is not a query (GET must be safe).
func checkGET(r *http.Request) (int, string, string) {
	q := r.URL.Query()
	for _, k := range []string{"variables", "extensions"} {
		if v := q.Get(k); v != "" {
			var m map[string]any
			if json.Unmarshal([]byte(v), &m) != nil || m == nil {
				return http.StatusBadRequest, CodeBadRequest, k + " must be a JSON object"
			}
		}
	}
	query := q.Get("query")
	if query == "" {
		if q.Get("extensions") != "" {
			return 0, "", ""
		}
		return http.StatusBadRequest, CodeBadRequest, "query is missing: GET /query?query=…"
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return 0, "", "" // gqlgen reports the syntax error
	}
	name := q.Get("operationName")
	for _, op := range doc.Operations {
		if (name == "" || op.Name == name) && op.Operation != ast.Query {
			return http.StatusMethodNotAllowed, CodeMethodNotAllowed, "only queries may be sent with GET; send mutations with POST"
		}
	}
	return 0, "", ""
}

func refuse(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}
