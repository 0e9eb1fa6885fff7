package schema

import (
	"context"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/entql"

	"github.com/opsgraph/opsgraph/authz"
	gen "github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/ent/apitoken"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/privacy"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/user"
)

// The second line of defence (DESIGN §2): whatever a resolver does, ent only
// reads rows of organizations where the viewer holds read permission on the
// object kind, and only writes rows of organizations the viewer belongs to.
// The fine-grained action checks (update, approve, launch …) are the graph
// layer's; this layer guarantees tenant isolation even if one is forgotten.

// orgIn restricts a filter to rows of the given organizations (none: no rows).
func orgIn(f privacy.Filter, column string, orgs []int) {
	if len(orgs) == 0 {
		// "IN ()" is valid on SQLite but a syntax error on PostgreSQL; the
		// column is never NULL, so this matches no row on both.
		f.Where(entql.FieldNil(column))
		return
	}
	vs := make([]any, len(orgs))
	for i, o := range orgs {
		vs[i] = o
	}
	f.Where(entql.FieldIn(column, vs...))
}

// viewerRule decides for system work and anonymous callers, and hands the
// viewer on otherwise.
func viewerOf(ctx context.Context) (*authz.Viewer, error) {
	v := authz.FromContext(ctx)
	switch {
	case v == nil:
		return nil, privacy.Denyf("no viewer")
	case v.System:
		return v, privacy.Allow
	}
	return v, nil
}

// tenantPolicy isolates an entity with an organization_id column, read access
// following the casbin read permission on obj unless read replaces it.
// TenantMixin gives it to every tenant-owned entity.
func tenantPolicy(obj string, read privacy.QueryRule) ent.Policy {
	if read == nil {
		read = orgReadRule("organization_id", obj)
	}
	return privacy.Policy{
		Query:    privacy.QueryPolicy{read},
		Mutation: privacy.MutationPolicy{tenantMutationRule()},
	}
}

// orgReadRule lets the viewer read rows whose column names an organization
// where they hold read permission on obj.
func orgReadRule(column, obj string) privacy.QueryRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v, err := viewerOf(ctx)
		if err != nil {
			return err
		}
		orgIn(f, column, v.OrgsWith(obj, "read"))
		if v.Store != 0 {
			storeScope(f, v.Store)
		}
		return privacy.Skip
	})
}

// storeScope narrows the rows of a store-scoped token (a mall's token) to its
// store: the store itself, every row with a store_id, SKUs through their
// product and order lines through their order. Organization-level rows
// (partners, suppliers, assets …) stay as the token's role allows.
func storeScope(f privacy.Filter, store int) {
	switch f := f.(type) {
	case *gen.StoreFilter:
		f.WhereID(entql.IntEQ(store))
	case *gen.SKUFilter:
		f.WhereHasProductWith(product.StoreID(store))
	case *gen.OrderLineFilter:
		f.WhereHasOrderWith(order.StoreID(store))
	case interface{ WhereStoreID(entql.IntP) }:
		f.WhereStoreID(entql.IntEQ(store))
	}
}

// tenantMutationRule lets a viewer create records only in organizations they
// belong to, and restricts updates and deletes to rows of those organizations.
func tenantMutationRule() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		v, err := viewerOf(ctx)
		if err != nil {
			return err
		}
		orgs := v.Orgs()
		if m.Op().Is(ent.OpCreate) {
			if org, set := m.Field("organization_id"); set && !slices.Contains(orgs, org.(int)) {
				return privacy.Denyf("organization not accessible")
			}
			// Derived records get their organization from a parent the viewer
			// must be able to see (the hooks look it up through privacy).
			return privacy.Skip
		}
		m.(interface{ WhereP(...func(*sql.Selector)) }).WhereP(sql.FieldIn("organization_id", orgs...))
		return privacy.Skip
	})
}

// systemOnly is for internal tables (sessions, throttles, policies): no
// request ever reads or writes them directly.
func systemOnly() ent.Policy {
	deny := privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if v := authz.FromContext(ctx); v != nil && v.System {
			return privacy.Allow
		}
		return privacy.Deny
	})
	return privacy.Policy{Query: privacy.QueryPolicy{deny}, Mutation: privacy.MutationPolicy{deny}}
}

// organizationPolicy shows organizations the viewer belongs to (directly or
// through an agency); changes to them are the graph layer's business.
func organizationPolicy() ent.Policy {
	filter := privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v, err := viewerOf(ctx)
		if err != nil {
			return err
		}
		orgIn(f, "id", v.Orgs())
		return privacy.Skip
	})
	return privacy.Policy{Query: privacy.QueryPolicy{filter}, Mutation: privacy.MutationPolicy{filter}}
}

// userPolicy shows the viewer themself and the members of organizations where
// the viewer may read members; users change only through auth code.
func userPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.UserQueryRuleFunc(func(ctx context.Context, q *gen.UserQuery) error {
				v, err := viewerOf(ctx)
				if err != nil {
					return err
				}
				q.Where(user.Or(user.ID(v.UserID),
					user.HasMembershipsWith(membership.OrganizationIDIn(v.OrgsWith("member", "read")...))))
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{
			privacy.ContextQueryMutationRule(func(ctx context.Context) error {
				_, err := viewerOf(ctx)
				if err != nil {
					return err
				}
				return privacy.Denyf("users change through the auth service only")
			}),
		},
	}
}

// membershipPolicy: members of organizations where the viewer may read
// members, plus the viewer's own memberships.
func membershipPolicy() ent.Policy {
	p := tenantPolicy("member", nil).(privacy.Policy)
	p.Query = privacy.QueryPolicy{
		privacy.MembershipQueryRuleFunc(func(ctx context.Context, q *gen.MembershipQuery) error {
			v, err := viewerOf(ctx)
			if err != nil {
				return err
			}
			q.Where(membership.Or(membership.UserID(v.UserID),
				membership.OrganizationIDIn(v.OrgsWith("member", "read")...)))
			return privacy.Skip
		}),
	}
	return p
}

// apiTokenRead: a token is visible to its creator and to those who manage
// members of its organization.
func apiTokenRead() privacy.QueryRule {
	return privacy.APITokenQueryRuleFunc(func(ctx context.Context, q *gen.APITokenQuery) error {
		v, err := viewerOf(ctx)
		if err != nil {
			return err
		}
		q.Where(apitoken.Or(apitoken.CreatedByID(v.UserID),
			apitoken.OrganizationIDIn(v.OrgsWith("member", "manage")...)))
		return privacy.Skip
	})
}

// alertPolicy: alerts of organizations where the viewer is an owner, admin or
// operator (directly, through an agency, or by an inheriting custom role), and
// the viewer's own account alerts.
func alertPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.AlertQueryRuleFunc(func(ctx context.Context, q *gen.AlertQuery) error {
				v, err := viewerOf(ctx)
				if err != nil {
					return err
				}
				q.Where(alert.Or(alert.UserID(v.UserID), alert.OrganizationIDIn(v.AlertOrgs()...)))
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{
			privacy.AlertMutationRuleFunc(func(ctx context.Context, m *gen.AlertMutation) error {
				v, err := viewerOf(ctx)
				if err != nil {
					return err
				}
				m.Where(alert.Or(alert.UserID(v.UserID), alert.OrganizationIDIn(v.Orgs()...)))
				return privacy.Skip
			}),
		},
	}
}

// auditPolicy: audit events of organizations where the viewer may read the
// audit log; written only by the server itself.
func auditPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{orgReadRule("organization_id", "audit")},
		Mutation: systemOnly().(privacy.Policy).Mutation,
	}
}
