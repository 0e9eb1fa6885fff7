package compliance

import (
	"context"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// For returns the checker of an organization: the built-in list with the
// organization's added and relaxed terms. orgID 0 is the built-in list.
func For(ctx context.Context, c *ent.Client, orgID int) (*Checker, error) {
	if orgID == 0 {
		return Default, nil
	}
	o, err := c.Organization.Get(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return New(Overrides(o.ComplianceOverrides)), nil
}

// Overrides converts stored overrides.
func Overrides(in []schematype.ComplianceOverride) []Override {
	out := make([]Override, len(in))
	for i, o := range in {
		out[i] = Override{Term: o.Term, Relax: o.Relax, Severity: Severity(o.Severity), Suggestion: o.Suggestion}
	}
	return out
}

// ProductContext is the category context of a product (nil: unknown).
func ProductContext(p *ent.Product, ctx Context) Context {
	if p != nil {
		ctx.ProductCategory = p.Category.String()
		ctx.RegistrationType = p.RegistrationType.String()
	}
	return ctx
}

// CheckStore checks a store's customer-facing texts: 简介 and 自动回复.
func CheckStore(ctx context.Context, c *ent.Client, s *ent.Store) ([]Finding, error) {
	ck, err := For(ctx, c, s.OrganizationID)
	if err != nil {
		return nil, err
	}
	out := ck.CheckFields([]Field{{Name: "introduction", Text: s.Introduction}}, Context{Surface: SurfaceStoreProfile})
	return append(out, ck.CheckFields([]Field{{Name: "autoReply", Text: s.AutoReply}}, Context{Surface: SurfaceAutoReply})...), nil
}

// CheckProduct checks a product title with its category rules.
func CheckProduct(ctx context.Context, c *ent.Client, p *ent.Product) ([]Finding, error) {
	ck, err := For(ctx, c, p.OrganizationID)
	if err != nil {
		return nil, err
	}
	return ck.CheckFields([]Field{{Name: "title", Text: p.Title}}, ProductContext(p, Context{Surface: SurfaceProduct})), nil
}

// CheckCampaign checks a campaign name (inducement words are allowed there).
func CheckCampaign(ctx context.Context, c *ent.Client, cp *ent.Campaign) ([]Finding, error) {
	ck, err := For(ctx, c, cp.OrganizationID)
	if err != nil {
		return nil, err
	}
	return ck.CheckFields([]Field{{Name: "name", Text: cp.Name}}, Context{Surface: SurfaceCampaign}), nil
}
