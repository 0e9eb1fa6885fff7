package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// AlertRule is one of an organization's alert rules (预警阈值); defaults are
// created for each organization the first time its alerts are evaluated.
type AlertRule struct{ ent.Schema }

// Mixin of AlertRule.
func (AlertRule) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "analytics"}}
}

// Fields of AlertRule.
func (AlertRule) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(120).Comment("Name shown with its alerts."),
		field.Enum("kind").Values("THRESHOLD", "ANOMALY", "STOCK_LOW", "DAYS_OF_COVER", "REFUND_SPIKE", "SYNC_FAILED",
			"CAMPAIGN_BUDGET", "CONTENT_SLA").
			Comment("THRESHOLD: a KPI of yesterday above or below a value; ANOMALY: a KPI of yesterday outside its trailing 28-day mean ± k·σ; STOCK_LOW: a SKU at or below its warning level; DAYS_OF_COVER: a SKU's days of cover below its supplier's lead time; REFUND_SPIKE: yesterday's 退款率 above the trailing 28-day mean + k·σ; SYNC_FAILED: a sync job failed; CAMPAIGN_BUDGET: spend ≥ threshold (default 0.9) of a campaign's budget; CONTENT_SLA: content in review longer than threshold hours."),
		field.String("metric").Optional().MaxLen(40).
			Comment("THRESHOLD and ANOMALY: the KPI, one of PAID_AMOUNT, PAYING_BUYERS, PAID_ORDERS, AVERAGE_ORDER_VALUE, CONVERSION_RATE, UV_VALUE, REFUND_RATE, REPURCHASE_RATE, VISITORS, NEW_BUYERS, RETURNING_BUYERS (money in fen, rates as fractions)."),
		field.Enum("direction").Values("ABOVE", "BELOW").Default("BELOW").
			Comment("THRESHOLD: raise when the KPI is ABOVE or BELOW the threshold."),
		field.Float("threshold").Default(0).
			Comment("THRESHOLD: the value; ANOMALY and REFUND_SPIKE: k, the number of standard deviations; CAMPAIGN_BUDGET: the spent share (0.9); CONTENT_SLA: hours in review."),
		field.Enum("severity").Values("INFO", "WARNING", "CRITICAL").Default("WARNING").Comment("Severity of its alerts."),
		field.Bool("enabled").Default(true).Comment("Disabled rules raise nothing and resolve their open alerts."),
	}
}

// Indexes of AlertRule.
func (AlertRule) Indexes() []ent.Index {
	// Unique names also make creating the defaults idempotent across replicas.
	return []ent.Index{index.Fields("organization_id", "kind"), index.Fields("organization_id", "name").Unique()}
}

// Annotations of AlertRule.
func (AlertRule) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An alert rule of an organization (预警规则)."),
		gqlann.RelayConnection(),
		gqlann.QueryField("alertRules"),
		gqlann.Mutations(gqlann.MutationCreate(), gqlann.MutationUpdate()),
	}
}
