package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// AuditEvent records a mutation or a refused attempt: who, where, what, when, from where.
type AuditEvent struct{ ent.Schema }

// Fields of AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Comment("When it happened.").
			Annotations(gqlann.OrderField("CREATED_AT")),
		field.Int("actor_id").Optional().Immutable().Comment("The user who acted (none for anonymous attempts).").
			Annotations(gqlann.Type("ID")),
		field.String("actor_email").Optional().Immutable().MaxLen(254).Comment("The actor's email at the time."),
		field.Int("organization_id").Optional().Immutable().Comment("The organization acted in, when known.").
			Annotations(gqlann.Type("ID")),
		field.String("action").Immutable().MaxLen(80).Comment("The GraphQL mutation or operation, e.g. updateStore.").
			Annotations(gqlann.OrderField("ACTION")),
		field.String("object_kind").Optional().Immutable().MaxLen(40).Comment("Kind of object: store, content, campaign …"),
		field.String("object_id").Optional().Immutable().MaxLen(40).Comment("Id of the object acted on."),
		field.Bool("success").Immutable().Comment("False for refused or failed attempts."),
		field.String("error_code").Optional().Immutable().MaxLen(40).Comment("The error code of a failed attempt."),
		field.String("client_address").Optional().Immutable().MaxLen(64).Comment("The client's IP address."),
		field.String("request_id").Optional().Immutable().MaxLen(64).Comment("Request id, to match server logs."),
		field.JSON("summary", map[string]any{}).Optional().Immutable().
			Comment("The input with passwords, tokens and secrets redacted.").
			Annotations(gqlann.Type("Map")),
	}
}

// Indexes of AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "created_at"), index.Fields("actor_id"), index.Fields("action")}
}

// Annotations of AuditEvent.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An audit record of a mutation or a refused attempt."),
		gqlann.RelayConnection(),
		gqlann.QueryField("auditEvents"),
		gqlann.MultiOrder(),
	}
}

// Policy of AuditEvent.
func (AuditEvent) Policy() ent.Policy { return auditPolicy() }
