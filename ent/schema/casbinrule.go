package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// CasbinRule is one casbin policy line (p or g), in the same shape as
// github.com/casbin/ent-adapter's table so that the two stay interchangeable.
type CasbinRule struct{ ent.Schema }

// Fields of CasbinRule.
func (CasbinRule) Fields() []ent.Field {
	v := func(name string) ent.Field { return field.String(name).Default("").MaxLen(255) }
	return []ent.Field{
		field.String("ptype").NotEmpty().MaxLen(16),
		v("v0"), v("v1"), v("v2"), v("v3"), v("v4"), v("v5"),
	}
}

// Indexes of CasbinRule.
func (CasbinRule) Indexes() []ent.Index {
	return []ent.Index{index.Fields("ptype", "v0", "v1", "v2", "v3", "v4", "v5").Unique()}
}

// Annotations of CasbinRule.
func (CasbinRule) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// Policy of CasbinRule.
func (CasbinRule) Policy() ent.Policy { return systemOnly() }
