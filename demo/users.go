package demo

import (
	"context"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
)

// DemoUser is a demo account and where it holds its role.
type DemoUser struct {
	Email, Name, Role string
	Org               string // "agency", "brand-a" or "brand-b"
}

// Users are the demo accounts, one per role, all with Password. A role on the
// agency applies to both brands.
var Users = []DemoUser{
	{"owner@agency.demo", "王总 (agency owner)", authz.RoleOwner, "agency"},
	{"admin@agency.demo", "李经理 (agency admin)", authz.RoleAdmin, "agency"},
	{"integrator@agency.demo", "赵工 (integrator)", authz.RoleIntegrator, "agency"},
	{"operator@brand-a.demo", "陈运营 (Brand A operator)", authz.RoleOperator, "brand-a"},
	{"editor@brand-a.demo", "林编辑 (Brand A content editor)", authz.RoleContentEditor, "brand-a"},
	{"reviewer@brand-a.demo", "周法务 (Brand A reviewer)", authz.RoleReviewer, "brand-a"},
	{"analyst@brand-b.demo", "吴分析 (Brand B analyst)", authz.RoleAnalyst, "brand-b"},
	{"viewer@brand-b.demo", "郑观察 (Brand B viewer)", authz.RoleViewer, "brand-b"},
	{"service@brand-b.demo", "孙客服 (Brand B customer service)", authz.RoleCustomerService, "brand-b"},
}

// users creates the demo accounts. One password hash serves them all: argon2id
// is deliberately slow, and the demo password is the same anyway.
func (s *seeder) users(ctx context.Context) error {
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	orgs := map[string]int{"agency": s.agency}
	for _, b := range s.brands {
		orgs[b.spec.key] = b.org.ID
	}
	s.authors = map[int]int{}
	for _, u := range Users {
		row, err := s.tx.User.Create().SetEmail(u.Email).SetDisplayName(u.Name).SetPasswordHash(hash).Save(ctx)
		if err != nil {
			return err
		}
		if err := s.tx.Membership.Create().SetUserID(row.ID).SetOrganizationID(orgs[u.Org]).SetRole(u.Role).Exec(ctx); err != nil {
			return err
		}
		if u.Role == authz.RoleContentEditor {
			s.authors[orgs[u.Org]] = row.ID
		}
	}
	return nil
}
