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

// MetricSnapshot is one business day of a store's numbers.
type MetricSnapshot struct{ ent.Schema }

// Mixin of MetricSnapshot.
func (MetricSnapshot) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "analytics"}}
}

// Fields of MetricSnapshot.
func (MetricSnapshot) Fields() []ent.Field {
	count := func(name, comment string) ent.Field {
		return field.Int64(name).NonNegative().Default(0).Comment(comment)
	}
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store."),
		field.String("day").Immutable().Match(dayPattern).
			Comment("Business day (YYYY-MM-DD) in the store's time zone.").
			Annotations(gqlann.OrderField("DAY")),
		count("visitors", "Unique visitors (访客数)."),
		count("page_views", "Page views (浏览量)."),
		count("add_to_cart", "Add-to-cart actions (加购)."),
		count("orders", "Orders placed."),
		count("paid_orders", "Orders paid (支付笔数)."),
		count("paying_buyers", "Distinct paying buyers as the platform reports them (支付买家数)."),
		field.Int64("gmv").GoType(schematype.Money(0)).Default(0).Comment("Gross merchandise value.").
			Annotations(gqlann.OrderField("GMV"), gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("refunds").GoType(schematype.Money(0)).Default(0).Comment("Refunded amount.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.String("source").Default("MANUAL").MaxLen(40).NotEmpty().
			Comment("Where these numbers came from: DEMO (demo data), MANUAL (entered or imported), or the platform plugin that synced them (taobao, douyin, xiaohongshu …). A sync never overwrites a day whose numbers came from another source."),
		field.JSON("traffic_sources", map[string]int64{}).Optional().
			Comment("Visitors by traffic source (流量来源): NATURAL_SEARCH, PAID, CONTENT, SOCIAL, PRIVATE_DOMAIN, OTHER.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
	}
}

// Edges of MetricSnapshot.
func (MetricSnapshot) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store."),
	}
}

// Indexes of MetricSnapshot.
func (MetricSnapshot) Indexes() []ent.Index {
	return []ent.Index{index.Fields("store_id", "day").Unique(), index.Fields("day")}
}

// Annotations of MetricSnapshot.
func (MetricSnapshot) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One business day of a store's numbers: traffic, funnel, GMV, refunds and traffic sources."),
		gqlann.RelayConnection(),
		gqlann.MultiOrder(),
	}
}

// Hooks of MetricSnapshot.
func (MetricSnapshot) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg)}
}
