package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// Supplier is a supplier (供应商) of products.
type Supplier struct{ ent.Schema }

// Mixin of Supplier.
func (Supplier) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "supplier"}} }

// Fields of Supplier.
func (Supplier) Fields() []ent.Field {
	score := func(name, comment string) ent.Field {
		return field.Float(name).Optional().Min(0).Max(5).Comment(comment)
	}
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(120).Comment("Company name.").Annotations(gqlann.OrderField("NAME")),
		field.String("contact_name").Optional().MaxLen(80).Comment("Contact person."),
		field.String("contact_phone").Optional().MaxLen(40).Comment("Contact phone."),
		field.String("contact_email").Optional().MaxLen(254).Comment("Contact email."),
		field.String("category").Optional().MaxLen(80).Comment("What they supply, e.g. 美妆, 服饰, 食品."),
		score("quality_score", "Assessment: product quality, 0–5."),
		score("delivery_score", "Assessment: on-time delivery, 0–5."),
		score("price_score", "Assessment: price competitiveness, 0–5."),
		field.Bool("exclusive_launch").Default(false).Comment("Offers exclusive launches (独家首发)."),
		field.Int("lead_time_days").NonNegative().Max(365).Default(0).Comment("Lead time in days.").
			Annotations(gqlann.OrderField("LEAD_TIME_DAYS")),
		field.Text("notes").Optional().MaxLen(5000).Comment("Free notes."),
	}
}

// Edges of Supplier.
func (Supplier) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("products", Product.Type).Ref("supplier").Comment("Products from this supplier.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
	}
}

// Indexes of Supplier.
func (Supplier) Indexes() []ent.Index { return []ent.Index{index.Fields("category")} }

// Annotations of Supplier.
func (Supplier) Annotations() []schema.Annotation {
	return append(gqlEntity("suppliers"),
		schema.Comment("A supplier (供应商): contact, assessment scores, exclusive launches and lead time."))
}
