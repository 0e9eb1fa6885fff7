package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Alert is something an operations team should look at (预警): a login from a new
// address, a stock warning, a failed sync …
type Alert struct{ ent.Schema }

// Mixin of Alert.
func (Alert) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Alert.
func (Alert) Fields() []ent.Field {
	return []ent.Field{
		field.Int("organization_id").Optional().Immutable().Comment("The organization concerned, if any.").
			Annotations(entgql.Type("ID")),
		field.Int("user_id").Optional().Immutable().Comment("The user concerned, if any.").
			Annotations(entgql.Type("ID")),
		field.Enum("kind").Values("NEW_LOGIN_ADDRESS", "ACCOUNT_LOCKED", "STOCK_LOW", "SYNC_FAILED", "REFUND_SPIKE",
			"CONTENT_DUE", "CONTENT_OVERDUE", "HOT_TOPIC_SLA_MISSED", "CAMPAIGN_BUDGET", "CAMPAIGN_PAUSED").
			Comment("What happened.").Annotations(entgql.OrderField("KIND")),
		field.Enum("severity").Values("INFO", "WARNING", "CRITICAL").Default("WARNING").Comment("How urgent."),
		field.String("message").MaxLen(500).Comment("Human-readable description."),
		field.Time("acknowledged_at").Optional().Nillable().Comment("When someone acknowledged it."),
	}
}

// Indexes of Alert.
func (Alert) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "created_at"), index.Fields("user_id")}
}

// Annotations of Alert.
func (Alert) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("Something to look at (预警): a login from a new address, low stock, a failed sync."),
		entgql.RelayConnection(),
		entgql.QueryField("alerts"),
	}
}

// Policy of Alert.
func (Alert) Policy() ent.Policy { return alertPolicy() }
