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

// Content is a piece of content: article (图文), short video, live stream or topic post.
type Content struct{ ent.Schema }

// Mixin of Content.
func (Content) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "content"}}
}

// Fields of Content.
func (Content) Fields() []ent.Field {
	noInput := gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store that publishes it."),
		field.Int("author_id").Optional().Immutable().Comment("Who wrote it.").Annotations(noInput),
		field.String("title").NotEmpty().MaxLen(200).Comment("Headline.").Annotations(gqlann.OrderField("TITLE")),
		field.Text("body").Optional().MaxLen(20000).Comment("Text of the post or script."),
		field.Enum("kind").Values("ARTICLE", "SHORT_VIDEO", "LIVE", "TOPIC").
			Comment("ARTICLE (图文), SHORT_VIDEO (短视频), LIVE (直播), TOPIC (话题).").
			Annotations(gqlann.OrderField("KIND")),
		field.String("theme").Optional().MaxLen(80).Comment("Theme or column, e.g. 新品种草, 教程, 节日热点."),
		field.Enum("status").Values("DRAFT", "IN_REVIEW", "APPROVED", "REJECTED", "SCHEDULED", "DUE", "PUBLISHED", "ARCHIVED").
			Default("DRAFT").
			Comment("Workflow state (content.Machine). DUE: its time came and its store's plugin cannot post it, so the author posts it by hand and records the URL with markContentPosted.").
			Annotations(gqlann.OrderField("STATUS"), noInput),
		field.Time("scheduled_at").Optional().Nillable().Comment("When it is planned to go out (内容日历).").
			Annotations(gqlann.OrderField("SCHEDULED_AT")),
		field.Time("published_at").Optional().Nillable().Comment("When it went out.").
			Annotations(gqlann.OrderField("PUBLISHED_AT"), noInput),
		field.Strings("tags").Optional().Comment("Hashtags and topics."),
		field.JSON("variants", []schematype.ContentVariant{}).Optional().
			Comment("Format variants (多格式适配) with alt text (无障碍文字描述)."),
		field.String("review_note").Optional().MaxLen(2000).Comment("The reviewer's note (法务审核意见).").Annotations(noInput),
		field.Int("reviewer_id").Optional().Comment("Who approved or rejected it.").Annotations(noInput, gqlann.Type("ID")),
		field.String("external_post_id").Optional().MaxLen(128).Comment("The platform's post id once published.").Annotations(noInput),
		field.String("post_url").Optional().MaxLen(500).Comment("The post's URL once published (recorded by markContentPosted for hand posts).").Annotations(noInput),
		field.Int("product_id").Optional().Comment("The product it promotes; its category and registration decide the compliance category rules.").
			Annotations(gqlann.Type("ID")),
		field.Time("hot_topic_started_at").Optional().Nillable().
			Comment("For hot-topic content (热点): when the topic started. It must be published within 24 hours of this."),
		field.Int("experiment_id").Optional().Comment("The A/B experiment this content is a variant of.").Annotations(gqlann.Type("ID")),
		field.String("experiment_variant").Optional().MaxLen(40).Comment("The variant's label in its experiment, e.g. A or B."),
		field.Time("overdue_alerted_at").Optional().Nillable().Comment("When the overdue alert was raised.").Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Time("sla_alerted_at").Optional().Nillable().Comment("When the hot-topic SLA alert was raised.").Annotations(gqlann.Skip(gqlann.SkipAll)),
	}
}

// Edges of Content.
func (Content) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store that publishes it."),
		edge.To("author", User.Type).Field("author_id").Unique().Immutable().Comment("Who wrote it.").
			Annotations(gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		edge.To("product", Product.Type).Field("product_id").Unique().Comment("The product it promotes.").
			Annotations(entsql.OnDelete(entsql.SetNull)),
		edge.To("experiment", Experiment.Type).Field("experiment_id").Unique().Comment("The A/B experiment this content is a variant of.").
			Annotations(entsql.OnDelete(entsql.SetNull)),
		edge.From("engagement", EngagementMetric.Type).Ref("content").Comment("Daily engagement numbers.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		edge.From("collaborations", Collaboration.Type).Ref("content").Comment("KOL collaborations on this content.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
	}
}

// Indexes of Content.
func (Content) Indexes() []ent.Index {
	return []ent.Index{index.Fields("store_id", "status"), index.Fields("scheduled_at"), index.Fields("author_id"),
		index.Fields("status", "scheduled_at"), index.Fields("experiment_id")}
}

// Annotations of Content.
func (Content) Annotations() []schema.Annotation {
	return append(gqlEntity("contents"),
		schema.Comment("A piece of content: article (图文), short video (短视频), live stream (直播) or topic post (话题), with its review workflow."))
}

// Hooks of Content.
func (Content) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg), sameOrg("product_id", productOrg), sameOrg("experiment_id", experimentOrg)}
}
