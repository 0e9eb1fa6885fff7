package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// KOLPartner is an influencer (KOL / KOC / 达人) an organization works with.
type KOLPartner struct{ ent.Schema }

// Mixin of KOLPartner.
func (KOLPartner) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "kol"}} }

// Fields of KOLPartner.
func (KOLPartner) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("platform").Values("TAOBAO", "TMALL", "DOUYIN", "XIAOHONGSHU", "OTHER").
			Comment("Where the partner publishes.").Annotations(gqlann.OrderField("PLATFORM")),
		field.String("handle").NotEmpty().MaxLen(80).Comment("Account handle on the platform.").
			Annotations(gqlann.OrderField("HANDLE")),
		field.String("display_name").Optional().MaxLen(80).Comment("Display name."),
		field.Enum("tier").Values("HEAD", "MID", "TAIL", "KOC").
			Comment("HEAD (头部), MID (腰部), TAIL (尾部) or KOC.").Annotations(gqlann.OrderField("TIER")),
		field.Int64("followers").NonNegative().Default(0).Comment("Follower count.").
			Annotations(gqlann.OrderField("FOLLOWERS")),
		field.Float("engagement_rate").Min(0).Max(1).Default(0).
			Comment("Engagement rate as a fraction (0.035 = 3.5%).").Annotations(gqlann.OrderField("ENGAGEMENT_RATE")),
		field.Float("cps_commission_rate").Min(0).Max(0.9).Default(0).
			Comment("CPS commission as a fraction of GMV (0.2 = 20%)."),
		field.String("contact").Optional().MaxLen(200).Comment("How to reach the partner or their agency."),
		field.String("author_id").Optional().MaxLen(64).
			Comment("The partner's 抖店 author_id (达人 id): their 达人 orders are attributed to their collaborations."),
	}
}

// Edges of KOLPartner.
func (KOLPartner) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("collaborations", Collaboration.Type).Ref("kol_partner").Comment("Collaborations with this partner.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		edge.From("settlements", KOLSettlement.Type).Ref("kol_partner").Comment("Monthly CPS settlement statements of this partner.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
	}
}

// Indexes of KOLPartner.
func (KOLPartner) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "platform", "handle").Unique(), index.Fields("tier")}
}

// Annotations of KOLPartner.
func (KOLPartner) Annotations() []schema.Annotation {
	return append(gqlEntity("kolPartners"),
		schema.Comment("An influencer partner (KOL / KOC / 达人): tier, reach, engagement and CPS commission."))
}
