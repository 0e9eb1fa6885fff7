package authz_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
)

// Two replicas share one database. A custom role edited on one must take
// effect on the other once it reloads, even for decisions it has cached, and
// at once on the replica that made the edit.
func TestRoleEditsReachCachedDecisions(t *testing.T) {
	ctx := context.Background()
	client, err := db.OpenClient(ctx, filepath.Join(t.TempDir(), "authz.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	r1, err := authz.New(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := authz.New(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()

	const org = 42
	grant := func(perms ...authz.Permission) {
		t.Helper()
		if err := r1.SetCustomRole("promo", org, perms, ""); err != nil {
			t.Fatal(err)
		}
	}
	grant(authz.Permission{Object: "campaign", Action: "create"})
	if err := r2.Reload(); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*authz.Authorizer{r1, r2} {
		if !r.Allowed("promo", org, "campaign", "create") || r.Allowed("promo", org, "content", "create") {
			t.Fatal("custom role not in force")
		}
	}
	// Take campaign:create away, and inherit content_editor instead.
	if err := r1.SetCustomRole("promo", org, nil, authz.RoleContentEditor); err != nil {
		t.Fatal(err)
	}
	if r1.Allowed("promo", org, "campaign", "create") || !r1.Allowed("promo", org, "content", "create") {
		t.Error("the replica that edited the role still answers from its cache")
	}
	if err := r2.Reload(); err != nil {
		t.Fatal(err)
	}
	if r2.Allowed("promo", org, "campaign", "create") || !r2.Allowed("promo", org, "content", "create") {
		t.Error("the other replica still answers from its cache after reloading")
	}
	if err := r1.DeleteCustomRole("promo", org); err != nil {
		t.Fatal(err)
	}
	if r1.Allowed("promo", org, "content", "create") {
		t.Error("a deleted role still grants what it inherited")
	}
	// Built-in roles hold in every organization.
	if !r1.Allowed(authz.RoleReviewer, org, "content", "approve") || r1.Allowed(authz.RoleContentEditor, org, "content", "approve") {
		t.Error("built-in matrix not seeded")
	}
	r1.Close() // twice is fine
}

// A custom role created on one replica exists at once on another (checked
// against the database), and the other replica then applies its
// permissions; Changed fires after every edit so the server can notify.
func TestNewRoleExistsOnOtherReplica(t *testing.T) {
	ctx := context.Background()
	client, err := db.OpenClient(ctx, filepath.Join(t.TempDir(), "authz.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	r1, err := authz.New(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := authz.New(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	changes := 0
	r1.Changed = func() { changes++ }

	const org = 7
	tests := []struct {
		name        string
		role        string
		org         int
		wantExists  bool
		wantAllowed bool
	}{
		{"unknown role", "ghost", org, false, false},
		{"role made on the other replica", "promo", org, true, true},
		{"same name in another organization", "promo", org + 1, false, false},
	}
	if r2.RoleExists("promo", org) {
		t.Fatal("role exists before it was made")
	}
	if err := r1.SetCustomRole("promo", org, []authz.Permission{{Object: "campaign", Action: "launch"}}, ""); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if got := r2.RoleExists(tt.role, tt.org); got != tt.wantExists {
			t.Errorf("%s: RoleExists = %v, want %v", tt.name, got, tt.wantExists)
		}
		if got := r2.Allowed(tt.role, tt.org, "campaign", "launch"); got != tt.wantAllowed {
			t.Errorf("%s: Allowed = %v, want %v", tt.name, got, tt.wantAllowed)
		}
	}
	if err := r1.DeleteCustomRole("promo", org); err != nil {
		t.Fatal(err)
	}
	if changes != 2 {
		t.Errorf("Changed called %d times for two edits", changes)
	}
}
