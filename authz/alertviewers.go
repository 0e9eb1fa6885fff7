package authz

import "slices"

// AlertRoles are the roles that see an organization's alerts (预警): owners,
// admins and operators, also when held through an agency or by a custom role
// inheriting one of them.
var AlertRoles = []string{RoleOwner, RoleAdmin, RoleOperator}

// AlertOrgs lists the organizations whose alerts the viewer sees, sorted.
func (v *Viewer) AlertOrgs() []int {
	out := []int{}
	for _, o := range v.Orgs() {
		if v.seesAlerts(o) && (v.limit == nil || v.limit.seesAlerts(o)) {
			out = append(out, o)
		}
	}
	return out
}

func (v *Viewer) seesAlerts(org int) bool {
	for _, g := range v.grants[org] {
		role := g.Role
		if !slices.Contains(AlertRoles, role) && v.az != nil {
			role = v.az.Inherits(role, g.Domain)
		}
		if slices.Contains(AlertRoles, role) {
			return true
		}
	}
	return false
}
