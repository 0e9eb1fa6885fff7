// Package insightsvc is the thin service over ent behind the operations
// figures: it resolves what a viewer may read, reads the daily rollups and
// snapshots, and hands them to the formulas in package insights.
package insightsvc

import (
	"context"
	"errors"
	"slices"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/ent/store"
)

// ErrNotFound is returned for an organization or store the viewer cannot read.
var ErrNotFound = errors.New("not found")

// Scope is the stores a figure covers and the organizations they belong to.
type Scope struct {
	Org    *ent.Organization // the organization asked for (nil for a store)
	Orgs   []*ent.Organization
	Stores []*ent.Store
}

// StoreIDs lists the stores' ids.
func (s Scope) StoreIDs() []int {
	ids := make([]int, len(s.Stores))
	for i, st := range s.Stores {
		ids[i] = st.ID
	}
	return ids
}

// StoreScope is one store the viewer may read analytics of.
func StoreScope(ctx context.Context, c *ent.Client, storeID int) (Scope, error) {
	st, err := c.Store.Get(ctx, storeID)
	if ent.IsNotFound(err) {
		return Scope{}, ErrNotFound
	}
	if err != nil {
		return Scope{}, err
	}
	if v := authz.FromContext(ctx); v == nil || !v.Can(st.OrganizationID, "analytics", "read") {
		return Scope{}, ErrNotFound
	}
	org, err := c.Organization.Get(ctx, st.OrganizationID)
	if err != nil {
		return Scope{}, err
	}
	return Scope{Orgs: []*ent.Organization{org}, Stores: []*ent.Store{st}}, nil
}

// OrgScope is an organization with, for an agency, its clients: only those
// where the viewer may read analytics, and their stores.
func OrgScope(ctx context.Context, c *ent.Client, orgID int) (Scope, error) {
	v := authz.FromContext(ctx)
	if v == nil {
		return Scope{}, ErrNotFound
	}
	readable := v.OrgsWith("analytics", "read")
	if !v.System && !slices.Contains(readable, orgID) {
		return Scope{}, ErrNotFound
	}
	org, err := c.Organization.Get(ctx, orgID)
	if ent.IsNotFound(err) {
		return Scope{}, ErrNotFound
	}
	if err != nil {
		return Scope{}, err
	}
	orgs, err := c.Organization.Query().
		Where(organization.Or(organization.ID(orgID), organization.ParentID(orgID))).
		Order(ent.Asc(organization.FieldID)).All(ctx)
	if err != nil {
		return Scope{}, err
	}
	if !v.System {
		orgs = slices.DeleteFunc(orgs, func(o *ent.Organization) bool { return !slices.Contains(readable, o.ID) })
	}
	ids := make([]int, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	stores, err := c.Store.Query().Where(store.OrganizationIDIn(ids...)).Order(ent.Asc(store.FieldID)).All(ctx)
	if err != nil {
		return Scope{}, err
	}
	return Scope{Org: org, Orgs: orgs, Stores: stores}, nil
}
