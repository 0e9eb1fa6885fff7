package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// EngagementMetric is one day of a piece of content's engagement.
type EngagementMetric struct{ ent.Schema }

// Mixin of EngagementMetric.
func (EngagementMetric) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "content"}}
}

// Fields of EngagementMetric.
func (EngagementMetric) Fields() []ent.Field {
	count := func(name, comment string) ent.Field {
		return field.Int64(name).NonNegative().Default(0).Comment(comment)
	}
	return []ent.Field{
		field.Int("content_id").Immutable().Comment("The content."),
		field.String("day").Immutable().Match(dayPattern).Comment("Day (YYYY-MM-DD) in the store's time zone.").
			Annotations(gqlann.OrderField("DAY")),
		count("views", "Views (曝光/浏览)."),
		count("likes", "Likes (点赞)."),
		count("comments", "Comments (评论)."),
		count("shares", "Shares (分享/转发)."),
		count("saves", "Saves (收藏)."),
	}
}

// Edges of EngagementMetric.
func (EngagementMetric) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("content", Content.Type).Field("content_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The content."),
	}
}

// Indexes of EngagementMetric.
func (EngagementMetric) Indexes() []ent.Index {
	return []ent.Index{index.Fields("content_id", "day").Unique()}
}

// Annotations of EngagementMetric.
func (EngagementMetric) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One day of a piece of content's engagement: views, likes, comments, shares, saves."),
		gqlann.RelayConnection(),
	}
}

// Hooks of EngagementMetric.
func (EngagementMetric) Hooks() []ent.Hook { return []ent.Hook{inheritOrg("content_id", contentOrg)} }
