package graph

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseAsJSONMarshal checks that writeResponse writes what
// json.Marshal of the response writes (gqlgen's transport), for the shapes
// a POST answers with and one it hands back to json.Marshal.
func TestWriteResponseAsJSONMarshal(t *testing.T) {
	yes := true
	for _, tc := range []struct {
		name string
		resp *graphql.Response
	}{
		{"data", &graphql.Response{Data: json.RawMessage(`{"a":[1,"x"]}`)}},
		{"no data", &graphql.Response{Errors: gqlerror.List{{Message: "bad", Extensions: map[string]any{"code": "BAD_USER_INPUT"}}}}},
		{"errors, data and extensions", &graphql.Response{Data: json.RawMessage(`{"a":null}`),
			Errors:     gqlerror.List{{Message: "no", Path: ast.Path{ast.PathName("a")}}},
			Extensions: map[string]any{"rateLimit": map[string]any{"remaining": 12}}}},
		{"incremental", &graphql.Response{Data: json.RawMessage(`{"b":2}`), Label: "l", Path: ast.Path{ast.PathName("a")}, HasNext: &yes}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			writeResponse(&got, tc.resp)
			if got.String() != string(want) {
				t.Fatalf("wrote %s\nwant  %s", got.String(), want)
			}
		})
	}
}
