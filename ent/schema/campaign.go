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

// Campaign is a promotion in one store.
type Campaign struct{ ent.Schema }

// Mixin of Campaign.
func (Campaign) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "campaign"}}
}

// Fields of Campaign.
func (Campaign) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store running the campaign."),
		field.String("name").NotEmpty().MaxLen(120).Comment("Campaign name.").Annotations(gqlann.OrderField("NAME")),
		field.Enum("kind").Values("TIME_LIMITED_DISCOUNT", "FULL_REDUCTION", "GROUP_BUY", "BARGAIN", "FLASH_SALE",
			"COUPON", "MEMBER_DAY", "NEW_CUSTOMER", "REFERRAL").
			Comment("TIME_LIMITED_DISCOUNT (限时折扣), FULL_REDUCTION (满减), GROUP_BUY (拼团), BARGAIN (砍价), FLASH_SALE (秒杀), COUPON, MEMBER_DAY (会员日), NEW_CUSTOMER (新客首单), REFERRAL (邀新阶梯).").
			Annotations(gqlann.OrderField("KIND")),
		field.Enum("status").Values("DRAFT", "SCHEDULED", "WARM_UP", "LIVE", "ENCORE", "ENDED", "PAUSED", "CANCELLED").Default("DRAFT").
			Comment("Lifecycle state: DRAFT → SCHEDULED → WARM_UP → LIVE → ENCORE → ENDED, plus PAUSED and CANCELLED. Never set directly: changed by the verbs (scheduleCampaign, launchCampaign, pauseCampaign, resumeCampaign, cancelCampaign) and by the clock.").
			Annotations(gqlann.OrderField("STATUS"), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		field.Time("starts_at").Comment("Start of the campaign.").Annotations(gqlann.OrderField("STARTS_AT")),
		field.Time("ends_at").Comment("End of the campaign.").Annotations(gqlann.OrderField("ENDS_AT")),
		field.JSON("phases", []schematype.CampaignPhase{}).Optional().
			Comment("Big-promotion phases: WARM_UP (预热, 7–10 days), PEAK (爆发), ENCORE (返场, 48 h)."),
		field.Int64("budget").GoType(schematype.Money(0)).Default(0).Comment("Budget.").
			Annotations(gqlann.OrderField("BUDGET"), gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("spend").GoType(schematype.Money(0)).Default(0).
			Comment("Spend last recorded by the budget check (discounts given in attributed orders plus KOL fees); the API computes spend live.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Int64("discount_given").GoType(schematype.Money(0)).Default(0).
			Comment("Discounts given in attributed orders, last recorded by the budget check; the API computes discountGiven live.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Strings("platform_promotion_ids").Optional().
			Comment("The platform's promotion (activity) ids of this campaign: orders carrying one are attributed to it first."),
		field.Strings("platform_coupon_ids").Optional().
			Comment("The platform's coupon (batch) ids of this campaign: orders redeeming one are attributed to it first."),
		field.Int64("discount_reserved").GoType(schematype.Money(0)).Default(0).
			Comment("Discounts held by mall orders awaiting payment: counted against the budget, moved to discountGiven when paid, released when cancelled; recorded, not set.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput, gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		field.Time("budget_alerted_at").Optional().Nillable().
			Comment("When spend first reached 90 % of the budget and an alert was raised.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput, gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		field.Bool("exclusive").Default(true).
			Comment("Exclusive (the default): combines with no other campaign of its layer (item / order) on the same goods, and may not overlap another campaign of its kind in the store. Stackable: combines with the other stackable campaigns of its layer."),
		field.Enum("threshold_basis").Values("AFTER_ITEM_DISCOUNTS", "LIST_PRICE").Default("AFTER_ITEM_DISCOUNTS").
			Comment("What an order-level threshold (满减, coupon minimum) is compared with: the goods after item-level discounts (the default) or at list price."),
		field.Bool("clearance").Default(false).
			Comment("Clearance (清仓): may sell goods below their cost. Other campaigns that would are refused."),
		field.JSON("rules", schematype.CampaignRules{}).
			Comment("Typed rules; exactly the member matching kind is set and validated."),
	}
}

// Edges of Campaign.
func (Campaign) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store running the campaign."),
		edge.To("products", Product.Type).Comment("Products the campaign covers; with no products and no SKUs it covers the whole store."),
		edge.To("skus", SKU.Type).Comment("SKUs the campaign covers; with no products and no SKUs it covers the whole store."),
		edge.From("collaborations", Collaboration.Type).Ref("campaign").Comment("KOL collaborations in this campaign.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
	}
}

// Indexes of Campaign.
func (Campaign) Indexes() []ent.Index {
	return []ent.Index{index.Fields("store_id", "status"), index.Fields("kind"), index.Fields("starts_at")}
}

// Annotations of Campaign.
func (Campaign) Annotations() []schema.Annotation {
	return append(gqlEntity("campaigns"),
		schema.Comment("A promotion in one store, with its kind-specific rules and big-promotion phases."))
}

// Hooks of Campaign.
func (Campaign) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg), validateCampaign()}
}
