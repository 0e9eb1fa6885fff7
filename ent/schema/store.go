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

// Store is a store or account (店铺 / 账号) on one platform.
type Store struct{ ent.Schema }

// Mixin of Store.
func (Store) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "store"}} }

// Fields of Store.
func (Store) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(120).
			Comment("Store name as shown on the platform.").
			Annotations(gqlann.OrderField("NAME")),
		field.Enum("platform").Values("TAOBAO", "TMALL", "DOUYIN", "XIAOHONGSHU", "OTHER").
			Comment("The platform the store runs on.").
			Annotations(gqlann.OrderField("PLATFORM")),
		field.String("external_shop_id").Optional().MaxLen(64).
			Comment("The platform's shop id, once connected."),
		field.Enum("certification").Values("NONE", "REAL_NAME", "BLUE_V", "ENTERPRISE").Default("NONE").
			Comment("Certification status: NONE, REAL_NAME (实名认证), BLUE_V (蓝V), ENTERPRISE."),
		field.Float("dsr_score").Optional().Min(0).Max(5).
			Comment("Detailed seller rating (DSR), 0 to 5.").
			Annotations(gqlann.OrderField("DSR_SCORE")),
		field.Text("introduction").Optional().MaxLen(2000).Comment("Store introduction (简介)."),
		field.String("business_hours").Optional().MaxLen(200).Comment("Customer service hours (营业时间)."),
		field.Text("shipping_policy").Optional().MaxLen(2000).Comment("Shipping notes (物流说明)."),
		field.Text("after_sales_policy").Optional().MaxLen(2000).Comment("After-sales policy (售后政策)."),
		field.Text("auto_reply").Optional().MaxLen(1000).Comment("Automatic greeting reply (自动回复)."),
		field.Strings("service_tags").Optional().
			Comment("Service promises: SEVEN_DAY_RETURN (七天无理由), SHIPPING_INSURANCE (运费险), FAST_REFUND (极速退款), GENUINE_GUARANTEE (正品保障), DELIVERY_48H (48小时发货)."),
		field.Text("brand_positioning").Optional().MaxLen(2000).Comment("Value proposition and positioning (品牌定位)."),
		field.JSON("style_guide", schematype.StyleGuide{}).Optional().
			Comment("Content style guide (内容风格指南): persona, tone, Pantone colours, fonts."),
		field.JSON("content_cadence", schematype.ContentCadence{}).Optional().
			Comment("Publishing cadence target (发布节奏): posts per weekday and weekend day, deep posts at weekends, time slots."),
		field.String("timezone").Default("Asia/Shanghai").MaxLen(64).
			Comment("IANA time zone of the store's business day."),
	}
}

// Edges of Store.
func (Store) Edges() []ent.Edge {
	noInput := gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)
	return []ent.Edge{
		edge.From("contents", Content.Type).Ref("store").Comment("Content published through this store.").
			Annotations(gqlann.RelayConnection(), noInput),
		edge.From("campaigns", Campaign.Type).Ref("store").Comment("Campaigns run in this store.").
			Annotations(gqlann.RelayConnection(), noInput),
		edge.From("products", Product.Type).Ref("store").Comment("Products listed in this store.").
			Annotations(gqlann.RelayConnection(), noInput),
		edge.From("orders", Order.Type).Ref("store").Comment("Orders synced from the platform.").
			Annotations(gqlann.RelayConnection(), noInput),
		edge.From("metrics", MetricSnapshot.Type).Ref("store").Comment("Daily metric snapshots.").
			Annotations(gqlann.RelayConnection(), noInput),
		edge.To("connection", PlatformConnection.Type).Unique().
			Comment("The store's platform connection, if connected (never includes secrets).").
			Annotations(noInput, entsql.OnDelete(entsql.Cascade)),
		edge.From("sync_jobs", SyncJob.Type).Ref("store").Comment("Sync jobs of this store, newest first when ordered by CREATED_AT.").
			Annotations(gqlann.RelayConnection(), noInput),
	}
}

// Indexes of Store.
func (Store) Indexes() []ent.Index {
	return []ent.Index{index.Fields("platform"), index.Fields("name")}
}

// Annotations of Store.
func (Store) Annotations() []schema.Annotation {
	return append(gqlEntity("stores"),
		schema.Comment("A store or account (店铺 / 账号) on Taobao, Tmall, Douyin, Xiaohongshu or elsewhere."))
}

// Hooks of Store.
func (Store) Hooks() []ent.Hook { return []ent.Hook{validateStore()} }
