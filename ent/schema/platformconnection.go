package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// PlatformConnection links a store to a platform plugin. Credentials and tokens
// are sealed with AES-GCM (package secretbox) and never leave the server.
type PlatformConnection struct{ ent.Schema }

// Mixin of PlatformConnection.
func (PlatformConnection) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "store"}}
}

// Fields of PlatformConnection.
func (PlatformConnection) Fields() []ent.Field {
	secret := func(name string) ent.Field {
		return field.Bytes(name).Sensitive().Optional().Annotations(gqlann.Skip(gqlann.SkipAll))
	}
	return []ent.Field{
		field.Int("store_id").Unique().Immutable().Comment("The connected store."),
		field.String("plugin_id").NotEmpty().MaxLen(64).Comment("The plugin serving the platform: taobao, douyin, xiaohongshu or a third party's id."),
		field.String("external_shop_id").Optional().MaxLen(64).Comment("The platform's shop id."),
		field.String("shop_name").Optional().MaxLen(200).Comment("The shop name the platform reported."),
		field.String("endpoint").Optional().MaxLen(500).Comment("Gateway override (sandbox or test server); empty: the platform's real gateway."),
		field.Strings("credential_names").Optional().Comment("Names of the stored credentials (their values are never shown)."),
		secret("credentials"),
		secret("access_token"),
		secret("refresh_token"),
		field.Time("token_expires_at").Optional().Nillable().Comment("When the access token expires."),
		field.JSON("cursors", map[string]string{}).Optional().Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Enum("status").Values("CONNECTED", "ERROR", "DISCONNECTED", "REAUTHORIZE_NEEDED").Default("CONNECTED").
			Comment("Connection state. REAUTHORIZE_NEEDED: the platform refused to renew the authorization; the seller must connect the store again (connectStore with a new authorization)."),
		field.Time("last_synced_at").Optional().Nillable().Comment("When a sync last completed."),
		field.String("last_error").Optional().MaxLen(1000).Comment("The last platform error, if any."),
	}
}

// Edges of PlatformConnection.
func (PlatformConnection) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("store", Store.Type).Ref("connection").Field("store_id").Unique().Required().Immutable().
			Comment("The connected store."),
	}
}

// Hooks of PlatformConnection.
func (PlatformConnection) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg)}
}

// Annotations of PlatformConnection.
func (PlatformConnection) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A store's link to a platform plugin. Credentials and tokens are stored encrypted and never returned."),
		entsql.Annotation{OnDelete: entsql.Cascade},
	}
}
