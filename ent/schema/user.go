package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// User is a person who signs in to OpsGraph.
type User struct{ ent.Schema }

// Mixin of User.
func (User) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").NotEmpty().MaxLen(254).Unique().
			Comment("Sign-in email address, stored lower-case.").
			Annotations(gqlann.OrderField("EMAIL")),
		field.String("display_name").NotEmpty().MaxLen(80).
			Comment("Name shown to colleagues."),
		field.String("password_hash").Sensitive().Optional().
			Comment("argon2id hash; never exposed.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.String("totp_secret").Sensitive().Optional().
			Comment("Encrypted TOTP secret; never exposed.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Bool("totp_enabled").Default(false).
			Comment("Whether a TOTP second factor is required at login.").
			Annotations(gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		field.Int64("totp_last_step").Optional().Nillable().
			Comment("The TOTP time step of the last code accepted; a code is single-use, so only later steps pass.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Time("last_login_at").Optional().Nillable().
			Comment("When the user last signed in.").
			Annotations(gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		field.Bytes("invite_token_hash").Sensitive().Optional().Nillable().Unique().
			Comment("SHA-256 of a pending invitation token; never exposed.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Time("invite_expires_at").Optional().Nillable().
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Bool("disabled").Default(false).
			Comment("Disabled users cannot sign in."),
	}
}

// Edges of User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("memberships", Membership.Type).Ref("user").
			Comment("The organizations this user belongs to, with roles.").
			Annotations(gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
	}
}

// Annotations of User.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A person who signs in to OpsGraph. Roles come from memberships, one per organization."),
		gqlann.RelayConnection(),
	}
}

// Policy of User.
func (User) Policy() ent.Policy { return userPolicy() }
