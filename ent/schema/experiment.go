package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// Experiment is an A/B test over two or more content variants.
type Experiment struct{ ent.Schema }

// Mixin of Experiment.
func (Experiment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "content"}}
}

// Fields of Experiment.
func (Experiment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store running it."),
		field.String("name").NotEmpty().MaxLen(120).Comment("What is tested.").Annotations(gqlann.OrderField("NAME")),
		field.Enum("dimension").Values("TITLE", "COVER", "POSTING_TIME").Comment("What differs between the variants: TITLE, COVER or POSTING_TIME."),
		field.Float("confidence").Min(0.5).Max(0.999).Default(0.95).
			Comment("Confidence level of the winner test (0.95 = significance 5%)."),
	}
}

// Edges of Experiment.
func (Experiment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store running it."),
		edge.From("variants", Content.Type).Ref("experiment").Comment("The content variants.").
			Annotations(gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
	}
}

// Annotations of Experiment.
func (Experiment) Annotations() []schema.Annotation {
	return append(gqlEntity("experiments"),
		schema.Comment("An A/B test (A/B测试) of titles, covers or posting times over content variants."))
}

// Hooks of Experiment.
func (Experiment) Hooks() []ent.Hook { return []ent.Hook{inheritOrg("store_id", storeOrg)} }
