package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// Asset is an image or video in an organization's asset library (素材库).
type Asset struct{ ent.Schema }

// Mixin of Asset.
func (Asset) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "content"}} }

// Fields of Asset.
func (Asset) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Comment("What it shows.").Annotations(gqlann.OrderField("NAME")),
		field.Enum("kind").Values("IMAGE", "VIDEO").Default("IMAGE").Comment("IMAGE or VIDEO."),
		field.String("url").NotEmpty().MaxLen(1000).Comment("Where the file is (http or https URL)."),
		field.String("source").NotEmpty().MaxLen(300).Comment("Where it comes from: photographer, agency, stock library, own shoot."),
		field.Enum("licence_type").Values("NONE", "OWNED", "COMMISSIONED", "LICENSED", "ROYALTY_FREE", "CREATIVE_COMMONS").Default("NONE").
			Comment("Licence: NONE (none on file), OWNED (own work), COMMISSIONED (work for hire), LICENSED (rights-managed), ROYALTY_FREE, CREATIVE_COMMONS."),
		field.Time("licence_expires_at").Optional().Nillable().Comment("When the licence ends; none for perpetual licences.").
			Annotations(gqlann.OrderField("LICENCE_EXPIRES_AT")),
		field.Text("usage_restrictions").Optional().MaxLen(2000).Comment("Usage restrictions, e.g. 仅限小红书, 不得用于付费投放."),
		field.Bool("shows_people").Default(false).Comment("Whether identifiable people are shown (then a model release is needed)."),
		field.Bool("model_release").Default(false).Comment("Whether a signed model release (肖像授权协议) is on file."),
		field.String("model_release_ref").Optional().MaxLen(200).Comment("Where the signed release is filed."),
	}
}

// Indexes of Asset.
func (Asset) Indexes() []ent.Index { return []ent.Index{index.Fields("licence_expires_at")} }

// Annotations of Asset.
func (Asset) Annotations() []schema.Annotation {
	return append(gqlEntity("assets"),
		schema.Comment("An image or video of the asset library (素材库) with its source, licence and model release."))
}
