package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"

	"github.com/opsgraph/opsgraph/authz"
	gen "github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/hook"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/promo"
)

// clientOf returns the client (or transaction client) a mutation runs on.
func clientOf(m ent.Mutation) *gen.Client {
	return m.(interface{ Client() *gen.Client }).Client()
}

// parentOrg looks up the organization of a parent record by id. The lookup goes
// through the privacy layer: a parent the viewer cannot see is not found.
type parentOrg func(ctx context.Context, c *gen.Client, id int) (int, error)

// The parents' organization lookups; each goes through privacy.
var (
	storeOrg      = orgOf(func(c *gen.Client) getter[*gen.Store] { return c.Store.Get }, func(v *gen.Store) int { return v.OrganizationID })
	productOrg    = orgOf(func(c *gen.Client) getter[*gen.Product] { return c.Product.Get }, func(v *gen.Product) int { return v.OrganizationID })
	orderOrg      = orgOf(func(c *gen.Client) getter[*gen.Order] { return c.Order.Get }, func(v *gen.Order) int { return v.OrganizationID })
	kolOrg        = orgOf(func(c *gen.Client) getter[*gen.KOLPartner] { return c.KOLPartner.Get }, func(v *gen.KOLPartner) int { return v.OrganizationID })
	campaignOrg   = orgOf(func(c *gen.Client) getter[*gen.Campaign] { return c.Campaign.Get }, func(v *gen.Campaign) int { return v.OrganizationID })
	contentOrg    = orgOf(func(c *gen.Client) getter[*gen.Content] { return c.Content.Get }, func(v *gen.Content) int { return v.OrganizationID })
	supplierOrg   = orgOf(func(c *gen.Client) getter[*gen.Supplier] { return c.Supplier.Get }, func(v *gen.Supplier) int { return v.OrganizationID })
	experimentOrg = orgOf(func(c *gen.Client) getter[*gen.Experiment] { return c.Experiment.Get }, func(v *gen.Experiment) int { return v.OrganizationID })
	skuOrg        = orgOf(func(c *gen.Client) getter[*gen.SKU] { return c.SKU.Get }, func(v *gen.SKU) int { return v.OrganizationID })
)

type getter[T any] func(context.Context, int) (T, error)

// orgOf builds a parentOrg from an entity's Get and its organization field.
func orgOf[T any](get func(*gen.Client) getter[T], org func(T) int) parentOrg {
	return func(ctx context.Context, c *gen.Client, id int) (int, error) {
		v, err := get(c)(ctx, id)
		if err != nil {
			return 0, err
		}
		return org(v), nil
	}
}

// inheritOrg copies organization_id from the parent named by parentField when a
// record is created, so that tenancy follows the parent and cannot be chosen.
func inheritOrg(parentField string, lookup parentOrg) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, ok := m.Field(parentField)
			if !ok {
				return next.Mutate(ctx, m)
			}
			// Trusted internal writers (platform sync) set the organization
			// themselves; a lookup per row would dominate a bulk upsert.
			if _, set := m.Field("organization_id"); set && isSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			org, err := lookup(ctx, clientOf(m), v.(int))
			if err != nil {
				return nil, err
			}
			if err := m.SetField("organization_id", org); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// sameOrg refuses to link a record to a related record of another organization,
// e.g. a collaboration with a campaign of another brand.
func sameOrg(field string, lookup parentOrg) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, ok := m.Field(field)
			if !ok || isSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			related, err := lookup(ctx, clientOf(m), v.(int))
			if err != nil {
				return nil, err
			}
			own, err := mutationOrg(ctx, m)
			if err != nil {
				return nil, err
			}
			if related != own {
				return nil, &schematype.FieldError{Field: field, Message: "belongs to another organization"}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// mutationOrg is the organization of the record being created or updated.
func mutationOrg(ctx context.Context, m ent.Mutation) (int, error) {
	if v, ok := m.Field("organization_id"); ok {
		return v.(int), nil
	}
	if v, err := m.(interface {
		OldField(context.Context, string) (ent.Value, error)
	}).OldField(ctx, "organization_id"); err == nil {
		return v.(int), nil
	}
	return 0, fmt.Errorf("cannot tell the organization of this %s", m.Type())
}

// validateStore checks a store's content cadence target.
func validateStore() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.StoreFunc(func(ctx context.Context, m *gen.StoreMutation) (ent.Value, error) {
			if c, ok := m.ContentCadence(); ok {
				if err := c.Validate(); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// validateCampaign hands the campaign as it will be stored (the stored
// campaign with the patch applied, never the patch alone) to promo.Validate,
// the one owner of the campaign rules.
func validateCampaign() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CampaignFunc(func(ctx context.Context, m *gen.CampaignMutation) (ent.Value, error) {
			var c promo.Campaign
			if id, ok := m.ID(); ok && m.Op().Is(ent.OpUpdateOne) {
				old, err := m.Client().Campaign.Get(ctx, id)
				if err != nil {
					return nil, err
				}
				c = promo.Campaign{ID: old.ID, Kind: promo.Kind(old.Kind), StartsAt: old.StartsAt, EndsAt: old.EndsAt,
					Phases: old.Phases, Budget: old.Budget, Rules: old.Rules}
			}
			if v, ok := m.Kind(); ok {
				c.Kind = promo.Kind(v)
			}
			if v, ok := m.StartsAt(); ok {
				c.StartsAt = v
			}
			if v, ok := m.EndsAt(); ok {
				c.EndsAt = v
			}
			if v, ok := m.Phases(); ok {
				c.Phases = v
			}
			if m.PhasesCleared() {
				c.Phases = nil
			}
			if v, ok := m.Budget(); ok {
				c.Budget = v
			}
			if v, ok := m.Rules(); ok {
				c.Rules = v
			}
			if err := promo.Validate(&c); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

func isSystem(ctx context.Context) bool {
	v := authz.FromContext(ctx)
	return v != nil && v.System
}
