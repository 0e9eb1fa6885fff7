package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// Membership grants a user a role in one organization.
type Membership struct{ ent.Schema }

// Mixin of Membership.
func (Membership) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Membership.
func (Membership) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable().Comment("The member."),
		field.Int("organization_id").Immutable().Comment("The organization the role applies to."),
		field.String("role").NotEmpty().MaxLen(64).
			Comment("Role name: owner, admin, operator, content_editor, reviewer, analyst, customer_service, viewer, integrator, or a custom role.").
			Annotations(gqlann.OrderField("ROLE")),
	}
}

// Edges of Membership.
func (Membership) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("user", User.Type).Field("user_id").Unique().Required().Immutable().Comment("The member."),
		edge.To("organization", Organization.Type).Field("organization_id").Unique().Required().Immutable().
			Comment("The organization the role applies to."),
	}
}

// Indexes of Membership.
func (Membership) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "organization_id").Unique(),
		index.Fields("organization_id"),
	}
}

// Annotations of Membership.
func (Membership) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A user's role in one organization. A role on an agency also applies to its client brands."),
		gqlann.RelayConnection(),
	}
}

// Policy of Membership.
func (Membership) Policy() ent.Policy { return membershipPolicy() }
