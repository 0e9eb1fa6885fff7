package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// Organization is the tenant: a brand, or an agency (代运营) whose client brands are
// child organizations.
type Organization struct{ ent.Schema }

// Mixin of Organization.
func (Organization) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(120).
			Comment("Display name of the organization.").
			Annotations(gqlann.OrderField("NAME")),
		field.Enum("kind").Values("BRAND", "AGENCY").Default("BRAND").
			Comment("BRAND runs its own stores; AGENCY (代运营) manages client brands."),
		field.Int("parent_id").Optional().Immutable().
			Comment("The agency that manages this client brand, if any."),
		field.JSON("style_guide", schematype.StyleGuide{}).Optional().
			Comment("Brand positioning and content style guide (品牌定位 / 内容风格指南)."),
		field.JSON("compliance_overrides", []schematype.ComplianceOverride{}).Optional().
			Comment("The organization's compliance terms: added terms and relaxed built-in ones (set by owners and reviewers).").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
	}
}

// Edges of Organization.
func (Organization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("clients", Organization.Type).
			Comment("Client brands managed by this agency.").
			Annotations(gqlann.RelayConnection()).
			From("parent").Field("parent_id").Unique().Immutable().
			Comment("The agency managing this brand."),
		edge.From("stores", Store.Type).Ref("organization").
			Comment("Stores owned by this organization.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		edge.From("kol_partners", KOLPartner.Type).Ref("organization").
			Comment("KOL / KOC partners this organization works with.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		edge.From("suppliers", Supplier.Type).Ref("organization").
			Comment("Suppliers of this organization.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		edge.From("memberships", Membership.Type).Ref("organization").
			Comment("Who belongs to this organization and with which role.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipAll)),
	}
}

// Annotations of Organization.
func (Organization) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A tenant: a brand, or an agency (代运营) whose client brands are child organizations."),
		gqlann.QueryField("organizations"),
		gqlann.RelayConnection(),
		gqlann.MultiOrder(),
	}
}

// Policy of Organization.
func (Organization) Policy() ent.Policy { return organizationPolicy() }
