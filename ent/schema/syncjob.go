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
		field.Enum("status").Values("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED").Default("QUEUED").
			Comment("QUEUED until a server picks it up; FAILED carries the reason in error; CANCELED by cancelSyncJob.").
			Annotations(gqlann.OrderField("STATUS")),
		field.String("phase").Default("").MaxLen(40).Comment("What it is doing now: PRODUCTS, ORDERS or METRICS."),
		field.Int("done").NonNegative().Default(0).Comment("Items synced so far in the current phase."),
		field.Int("total").Default(-1).Comment("Items expected in the current phase (never below done), -1 when the platform does not say."),
		field.Int("percent").Default(0).Range(0, 100).
			Comment("Overall progress 0–100 across all phases; it only grows, and is 100 once the job SUCCEEDED."),
		field.JSON("phases", []schematype.SyncPhase{}).Optional().
			Comment("Every phase of the job in the order they run, each with its state and its own done/total."),
		field.String("error").Optional().MaxLen(1000).Comment("Why the job failed."),
		field.Int("requested_by_id").Optional().Immutable().Comment("Who asked for the sync.").
			Annotations(gqlann.Type("ID")),
		field.String("claimed_by").Optional().MaxLen(100).Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Time("heartbeat_at").Optional().Nillable().Annotations(gqlann.Skip(gqlann.SkipAll)),
		// The lease: the replica in claimed_by owns the job until lease_until and
		// renews it on a heartbeat. lease_token is the fencing token, raised on
		// every claim; every write of the job and its pages names it, so an owner
		// whose lease was taken over writes nothing.
		field.Int64("lease_token").Default(0).Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Time("lease_until").Optional().Nillable().Annotations(gqlann.Skip(gqlann.SkipAll)),
		// active_key is "<store>|<what>" while the job is QUEUED or RUNNING and
		// NULL once it ended: its unique index makes "one active job per (store,
		// what)" race-free across replicas.
		field.String("active_key").Optional().Nillable().Unique().MaxLen(100).Annotations(gqlann.Skip(gqlann.SkipAll)),
		// running_store is the store id while RUNNING: its unique index lets one
		// job of a store run at a time (they share the store's resume cursors).
		field.Int("running_store").Optional().Nillable().Unique().Annotations(gqlann.Skip(gqlann.SkipAll)),
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
		gqlann.RelayConnection(),
		gqlann.QueryField("syncJobs"),
		gqlann.MultiOrder(),
	}
}
