package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SyncJob is a long platform operation (a store sync) with its progress.
type SyncJob struct{ ent.Schema }

// Mixin of SyncJob.
func (SyncJob) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "store"}}
}

// Fields of SyncJob.
func (SyncJob) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store being synced."),
		field.Strings("what").Comment("What to sync: PRODUCTS, ORDERS, METRICS."),
		field.Enum("status").Values("QUEUED", "RUNNING", "SUCCEEDED", "FAILED").Default("QUEUED").
			Comment("QUEUED until a server picks it up; FAILED carries the reason in error.").
			Annotations(entgql.OrderField("STATUS")),
		field.String("phase").Default("").MaxLen(40).Comment("What it is doing now: PRODUCTS, ORDERS or METRICS."),
		field.Int("done").NonNegative().Default(0).Comment("Items synced so far."),
		field.Int("total").Default(-1).Comment("Items expected in the current phase, -1 when the platform does not say."),
		field.String("error").Optional().MaxLen(1000).Comment("Why the job failed."),
		field.Int("requested_by_id").Optional().Immutable().Comment("Who asked for the sync.").
			Annotations(entgql.Type("ID")),
		field.String("claimed_by").Optional().MaxLen(100).Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("heartbeat_at").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("started_at").Optional().Nillable().Comment("When a server started it."),
		field.Time("finished_at").Optional().Nillable().Comment("When it ended."),
	}
}

// Edges of SyncJob.
func (SyncJob) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store being synced."),
	}
}

// Indexes of SyncJob.
func (SyncJob) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status", "created_at"), index.Fields("store_id")}
}

// Hooks of SyncJob.
func (SyncJob) Hooks() []ent.Hook { return []ent.Hook{inheritOrg("store_id", storeOrg)} }

// Annotations of SyncJob.
func (SyncJob) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A long platform operation (store sync) with its progress; watch it with the syncJobUpdated subscription."),
		entgql.RelayConnection(),
		entgql.QueryField("syncJobs"),
		entgql.MultiOrder(),
	}
}
