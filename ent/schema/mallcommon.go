package schema

import (
	"regexp"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// buyerRefPattern is a pseudonymous buyer id (a hashed openid, a mall user
// id): letters, digits and -_.:=, never personal data.
var buyerRefPattern = regexp.MustCompile(`^[A-Za-z0-9_.:=-]{1,64}$`)

// buyerRefField is a pseudonymous buyer id field.
func buyerRefField(name, comment string) ent.Field {
	return field.String(name).Match(buyerRefPattern).Immutable().Comment(comment)
}

// idempotencyKeyField is the key of the mall mutation that created a record;
// unique per store together with store_id, so a repeated call finds it.
func idempotencyKeyField() ent.Field {
	return field.String("idempotency_key").NotEmpty().MaxLen(64).Immutable().
		Comment("The idempotencyKey of the mall call that created the record.").
		Annotations(gqlann.Skip(gqlann.SkipAll))
}

// mallEntity is the GraphQL shape of a mall record: an operator connection
// with filters, no generated mutations (the mall verbs create and change them).
func mallEntity(query, comment string) []schema.Annotation {
	return []schema.Annotation{
		gqlann.QueryField(query),
		gqlann.RelayConnection(),
		gqlann.MultiOrder(),
		schema.Comment(comment),
	}
}
