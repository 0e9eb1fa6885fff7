package authz

// Object kinds (casbin obj) and actions (casbin act), as in DESIGN §2, plus
// "order" for synced platform orders.
var (
	Objects = []string{"store", "content", "campaign", "kol", "supplier", "product", "order",
		"analytics", "member", "plugin", "audit", "mall"}
	Actions = []string{"read", "create", "update", "delete", "submit", "approve", "publish",
		"launch", "sync", "manage"}
)

// Built-in roles.
const (
	RoleOwner           = "owner"
	RoleAdmin           = "admin"
	RoleOperator        = "operator"
	RoleContentEditor   = "content_editor"
	RoleReviewer        = "reviewer"
	RoleAnalyst         = "analyst"
	RoleCustomerService = "customer_service"
	RoleViewer          = "viewer"
	RoleIntegrator      = "integrator"
	RoleMall            = "mall_app"
)

// BuiltinRoles in the order the README's matrix lists them.
var BuiltinRoles = []string{RoleOwner, RoleAdmin, RoleOperator, RoleContentEditor, RoleReviewer,
	RoleAnalyst, RoleCustomerService, RoleViewer, RoleIntegrator, RoleMall}

// readAll is read access to every business object (not members, plugins or audit).
var readAll = []string{"store", "content", "campaign", "kol", "supplier", "product", "order", "analytics"}

func grant(objs []string, acts ...string) [][2]string {
	var out [][2]string
	for _, o := range objs {
		for _, a := range acts {
			out = append(out, [2]string{o, a})
		}
	}
	return out
}

func join(parts ...[][2]string) [][2]string {
	var out [][2]string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// DefaultPermissions is the built-in role × permission matrix (权限分级管理),
// seeded as casbin policies in domain "*". Owners and admins may edit policies;
// these defaults are re-seeded only when missing.
var DefaultPermissions = map[string][][2]string{
	RoleOwner: {{"*", "*"}},
	// Admins do everything but cannot make or remove owners (enforced in code).
	RoleAdmin: {{"*", "*"}},
	RoleOperator: join(
		grant(readAll, "read"),
		grant([]string{"store"}, "update"),
		grant([]string{"content"}, "create", "update", "delete", "submit", "publish"),
		grant([]string{"campaign"}, "create", "update", "delete", "launch"),
		grant([]string{"kol", "supplier", "product"}, "create", "update", "delete"),
		grant([]string{"product"}, "sync"), // push stock to the platform (updateStock)
		grant([]string{"member", "plugin"}, "read"),
		grant([]string{"mall"}, "read", "create"),
	),
	RoleContentEditor: join(
		grant([]string{"store", "content", "campaign", "kol", "product"}, "read"),
		grant([]string{"content"}, "create", "update", "delete", "submit"),
	),
	RoleReviewer: join(
		grant([]string{"store", "content", "campaign", "kol", "product"}, "read"),
		grant([]string{"content"}, "approve"),
	),
	RoleAnalyst:         grant(readAll, "read"),
	RoleCustomerService: grant([]string{"store", "product", "order", "content"}, "read"),
	RoleViewer:          grant(readAll, "read"),
	RoleIntegrator: join(
		grant([]string{"store", "product", "order"}, "read"),
		grant([]string{"store", "product", "order"}, "sync"),
		grant([]string{"store"}, "update"),
		grant([]string{"plugin"}, "read", "manage"),
		grant([]string{"content"}, "read", "publish"),
	),
	RoleMall: join(grant([]string{"mall"}, "read", "create"), grant([]string{"store", "product", "campaign"}, "read")),
}

// IsBuiltinRole reports whether name is one of the built-in roles.
func IsBuiltinRole(name string) bool {
	for _, r := range BuiltinRoles {
		if r == name {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ValidPermission reports whether obj/act are known names (or "*").
func ValidPermission(obj, act string) bool {
	return (obj == "*" || contains(Objects, obj)) && (act == "*" || contains(Actions, act))
}
