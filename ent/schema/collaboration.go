package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// Collaboration is a KOL partner working on a campaign and/or a piece of content.
type Collaboration struct{ ent.Schema }

// Mixin of Collaboration.
func (Collaboration) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "kol"}}
}

// Fields of Collaboration.
func (Collaboration) Fields() []ent.Field {
	return []ent.Field{
		field.Int("kol_partner_id").Immutable().Comment("The partner."),
		field.Int("campaign_id").Optional().Comment("The campaign, if any."),
		field.Int("content_id").Optional().Comment("The content, if any."),
		field.Text("brief").Optional().MaxLen(5000).Comment("The brief given to the partner."),
		field.Strings("deliverables").Optional().Comment("What the partner delivers, e.g. 1 短视频, 2 图文."),
		field.Enum("status").Values("PROPOSED", "CONFIRMED", "IN_PROGRESS", "DELIVERED", "PAID", "CANCELLED").
			Default("PROPOSED").Comment("Progress of the collaboration.").Annotations(gqlann.OrderField("STATUS")),
		field.Int64("fee").GoType(schematype.Money(0)).Default(0).Comment("Fixed fee (坑位费).").
			Annotations(gqlann.OrderField("FEE"), gqlann.Skip(gqlann.SkipWhereInput)),
		field.Float("commission_rate").Min(0).Max(0.9).Default(0).Comment("CPS commission as a fraction of attributed GMV."),
		field.Int64("attributed_gmv").GoType(schematype.Money(0)).Default(0).
			Comment("GMV the partner or platform reported; not exposed: the API computes attributedGmv from the orders carrying the tracking code.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.String("tracking_code").Optional().MaxLen(64).
			Comment("Tracking code of the partner's links, or their 抖店 author_id: paid orders carrying it are attributed to this collaboration."),
	}
}

// Edges of Collaboration.
func (Collaboration) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("kol_partner", KOLPartner.Type).Field("kol_partner_id").Unique().Required().Immutable().Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The partner."),
		edge.To("campaign", Campaign.Type).Field("campaign_id").Unique().Comment("The campaign, if any."),
		edge.To("content", Content.Type).Field("content_id").Unique().Comment("The content, if any."),
	}
}

// Indexes of Collaboration.
func (Collaboration) Indexes() []ent.Index {
	return []ent.Index{index.Fields("kol_partner_id"), index.Fields("campaign_id"), index.Fields("content_id")}
}

// Annotations of Collaboration.
func (Collaboration) Annotations() []schema.Annotation {
	return append(gqlEntity("collaborations"),
		schema.Comment("A KOL partner working on a campaign and/or content: brief, deliverables, fee, commission and attributed GMV."))
}

// Hooks of Collaboration.
func (Collaboration) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("kol_partner_id", kolOrg), sameOrg("campaign_id", campaignOrg), sameOrg("content_id", contentOrg)}
}
