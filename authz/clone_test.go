package authz

import (
	"reflect"
	"testing"
)

// TestCloneCopiesEveryField: the authentication cache hands out clones, so a
// field Clone forgets (the store of a store-scoped token, say) silently
// widens what a cached token may do.
func TestCloneCopiesEveryField(t *testing.T) {
	v := &Viewer{UserID: 1, Email: "a@b.test", TokenID: 2, SessionID: 3, Store: 4, System: true,
		grants: map[int][]Grant{5: {{Role: "owner", Domain: 5}}}, az: &Authorizer{}, limit: &Viewer{UserID: 6}}
	c := v.Clone()
	rv, rc := reflect.ValueOf(v).Elem(), reflect.ValueOf(c).Elem()
	for i := range rv.NumField() {
		name := rv.Type().Field(i).Name
		if name == "mu" || name == "cache" {
			continue // per-clone state
		}
		if rv.Field(i).IsZero() {
			t.Fatalf("test fixture leaves %s zero: set it", name)
		}
		if rc.Field(i).IsZero() {
			t.Errorf("Clone drops %s", name)
		}
	}
}
