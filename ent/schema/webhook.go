package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"

	"github.com/opsgraph/opsgraph/webhook"
)

// WebhookEndpoint is an organization's HTTPS endpoint subscribed to events.
// Its signing secret is stored encrypted (secretbox) and returned only by
// createWebhookEndpoint and rotateWebhookSecret.
type WebhookEndpoint struct{ ent.Schema }

// Mixin of WebhookEndpoint.
func (WebhookEndpoint) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "webhook"}}
}

// Fields of WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").NotEmpty().MaxLen(2000).
			Comment("Where deliveries are POSTed: an https:// URL of a public address (checked when saved and again when each delivery connects)."),
		field.String("description").Default("").MaxLen(200).Comment("What the endpoint is for."),
		field.JSON("events", []webhook.Event{}).Comment("The events delivered to the endpoint.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Bool("enabled").Default(true).Comment("Whether events are delivered; a disabled endpoint gets no new deliveries."),
		field.Bytes("secret_sealed").Sensitive().Annotations(gqlann.Skip(gqlann.SkipAll)),
		// The secret replaced by the last rotation, honoured (signed with too)
		// until previous_secret_until, so receivers can switch without gaps.
		field.Bytes("previous_secret_sealed").Optional().Sensitive().Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Time("previous_secret_until").Optional().Nillable().
			Comment("Until when deliveries are also signed with the secret replaced by the last rotation; null when none."),
		field.Int("consecutive_failures").NonNegative().Default(0).
			Comment("Deliveries given up in a row since the last successful one."),
		field.Time("last_success_at").Optional().Nillable().Comment("When a delivery last succeeded."),
		field.Time("last_failure_at").Optional().Nillable().Comment("When a delivery attempt last failed."),
		field.Int("created_by_id").Optional().Immutable().Comment("Who created the endpoint.").
			Annotations(gqlann.Type("ID")),
	}
}

// Edges of WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).Comment("The endpoint's delivery log (order by CREATED_AT DESC for the newest first).").
			Annotations(entsql.OnDelete(entsql.Cascade), gqlann.RelayConnection()),
	}
}

// Annotations of WebhookEndpoint.
func (WebhookEndpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An HTTPS endpoint of an organization subscribed to events; each delivery is signed with its secret (X-OpsGraph-Signature)."),
		gqlann.RelayConnection(),
		gqlann.QueryField("webhookEndpoints"),
	}
}

// WebhookDelivery is one event sent (or to be sent) to one endpoint: the
// delivery log, and the outbox the delivery worker claims from.
type WebhookDelivery struct{ ent.Schema }

// Mixin of WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "webhook"}}
}

// Fields of WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("endpoint_id").Immutable().Comment("The endpoint it is sent to."),
		field.String("event_id").NotEmpty().MaxLen(64).Immutable().
			Comment("The event's id (X-OpsGraph-Event-ID): the same in a replay, so receivers can dedupe."),
		field.String("event").GoType(webhook.Event("")).Immutable().
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Text("payload").Immutable().Comment("The JSON body sent (the event envelope)."),
		field.Enum("state").Values("PENDING", "DELIVERED", "FAILED").Default("PENDING").
			Comment("PENDING until the receiver answers 2xx (DELIVERED) or the retries are exhausted (FAILED).").
			Annotations(gqlann.OrderField("STATE")),
		field.Int("attempts").NonNegative().Default(0).Comment("Attempts made so far."),
		field.Time("next_attempt_at").Optional().Nillable().
			Comment("When the next attempt is due while PENDING; null once it ended."),
		field.Time("last_attempt_at").Optional().Nillable().Comment("When the last attempt was made."),
		field.Int("last_status_code").Optional().Nillable().
			Comment("The HTTP status of the last attempt; null when no response came."),
		field.String("last_error").Optional().MaxLen(300).
			Comment("Why the last attempt failed, with at most 200 bytes of the response body."),
		field.Time("delivered_at").Optional().Nillable().Comment("When the receiver accepted it."),
		field.Int("replay_of_id").Optional().Nillable().Immutable().
			Comment("The delivery this one replays, if any.").Annotations(gqlann.Type("ID")),
		// The claim: the replica in claimed_by sends it until lease_until;
		// lease_token is raised on every claim and named by the write of the
		// result, so a replica whose lease was taken over writes nothing.
		field.String("claimed_by").Optional().MaxLen(100).Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Int64("lease_token").Default(0).Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Time("lease_until").Optional().Nillable().Annotations(gqlann.Skip(gqlann.SkipAll)),
	}
}

// Edges of WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").
			Unique().Required().Immutable().Comment("The endpoint it is sent to."),
	}
}

// Indexes of WebhookDelivery.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{index.Fields("state", "next_attempt_at"), index.Fields("endpoint_id", "created_at"),
		index.Fields("event_id")}
}

// Annotations of WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One event sent to one webhook endpoint, with its attempts: the delivery log (replay with replayWebhookDelivery)."),
		gqlann.RelayConnection(),
		gqlann.QueryField("webhookDeliveries"),
	}
}
