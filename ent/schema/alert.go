package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
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
			Annotations(gqlann.Type("ID")),
		field.Int("user_id").Optional().Immutable().Comment("The user concerned, if any.").
			Annotations(gqlann.Type("ID")),
		field.Enum("kind").Values("NEW_LOGIN_ADDRESS", "ACCOUNT_LOCKED", "STOCK_LOW", "SYNC_FAILED", "REFUND_SPIKE",
			"THRESHOLD", "ANOMALY", "DAYS_OF_COVER", "CAMPAIGN_BUDGET", "CONTENT_SLA",
			"CONTENT_DUE", "CONTENT_OVERDUE", "HOT_TOPIC_SLA_MISSED", "CAMPAIGN_PAUSED").
			Comment("What happened: NEW_LOGIN_ADDRESS, ACCOUNT_LOCKED (account alerts); STOCK_LOW (SKU stock at or below its warning level), DAYS_OF_COVER (days of cover below the supplier lead time), SYNC_FAILED, REFUND_SPIKE (退款率 above its trailing 28-day mean + k·σ), THRESHOLD (a KPI crossed its rule's threshold), ANOMALY (a KPI outside its trailing 28-day mean ± k·σ), CAMPAIGN_BUDGET (≥ 90 % of a campaign's budget spent), CAMPAIGN_PAUSED (a campaign paused at 100 % of its budget), CONTENT_SLA (content in review longer than its SLA), CONTENT_DUE (scheduled content to be posted by hand), CONTENT_OVERDUE (due content still not posted two hours later), HOT_TOPIC_SLA_MISSED (hot-topic content not out within 24 h).").
			Annotations(gqlann.OrderField("KIND")),
		field.Enum("severity").Values("INFO", "WARNING", "CRITICAL").Default("WARNING").Comment("How urgent."),
		field.String("message").MaxLen(500).Comment("Human-readable description."),
		field.Time("acknowledged_at").Optional().Nillable().Comment("When someone acknowledged it."),
		field.Enum("status").Values("OPEN", "RESOLVED").Default("OPEN").
			Comment("OPEN while the condition holds (one alert per episode), RESOLVED once it cleared."),
		field.String("subject").Optional().MaxLen(120).Immutable().
			Comment("What the episode is about, e.g. sku:12, store:3, metric:PAID_AMOUNT@store:3, campaign:7."),
		field.String("open_key").Optional().Nillable().MaxLen(200).Unique().
			Comment("organization|kind|subject while OPEN, null once resolved: the unique key that makes an episode raised once across replicas.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Time("resolved_at").Optional().Nillable().Comment("When the condition cleared."),
		field.Int("rule_id").Optional().Comment("The alert rule that raised it, if any.").
			Annotations(gqlann.Type("ID")),
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
		gqlann.RelayConnection(),
		gqlann.QueryField("alerts"),
	}
}

// Policy of Alert.
func (Alert) Policy() ent.Policy { return alertPolicy() }
