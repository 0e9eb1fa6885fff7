package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// LoginThrottle counts recent failed logins per account or client address. It
// lives in the database so that every server replica sees the same counts.
type LoginThrottle struct{ ent.Schema }

// Fields of LoginThrottle.
func (LoginThrottle) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").NotEmpty().Unique().MaxLen(300).Comment("account:<email> or address:<ip>"),
		field.Int("failures").Default(0),
		field.Time("window_start"),
		field.Time("locked_until").Optional().Nillable(),
	}
}

// Annotations of LoginThrottle.
func (LoginThrottle) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// KnownAddress is a client address a user has signed in from before; a login
// from an unknown one raises an alert (异常行为监测).
type KnownAddress struct{ ent.Schema }

// Fields of KnownAddress.
func (KnownAddress) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.String("address").MaxLen(64),
		field.Time("first_seen"),
		field.Time("last_seen"),
	}
}

// Indexes of KnownAddress.
func (KnownAddress) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "address").Unique()}
}

// Annotations of KnownAddress.
func (KnownAddress) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// Policy of LoginThrottle.
func (LoginThrottle) Policy() ent.Policy { return systemOnly() }

// Policy of KnownAddress.
func (KnownAddress) Policy() ent.Policy { return systemOnly() }
