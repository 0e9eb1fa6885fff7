//go:build entgen

package gqlann

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent/schema"
)

// SkipMode says which generated GraphQL parts skip a type, field or edge.
type SkipMode = entgql.SkipMode

// MutationOption is a generated mutation input (create or update).
type MutationOption = entgql.MutationOption

// The skip modes.
const (
	SkipAll                 = entgql.SkipAll
	SkipWhereInput          = entgql.SkipWhereInput
	SkipOrderField          = entgql.SkipOrderField
	SkipMutationCreateInput = entgql.SkipMutationCreateInput
	SkipMutationUpdateInput = entgql.SkipMutationUpdateInput
)

// OrderField makes the field a GraphQL order field named name.
func OrderField(name string) schema.Annotation { return entgql.OrderField(name) }

// Skip leaves the annotated element out of the given generated parts.
func Skip(modes ...SkipMode) schema.Annotation { return entgql.Skip(modes...) }

// RelayConnection generates a Relay connection for the type or edge.
func RelayConnection() schema.Annotation { return entgql.RelayConnection() }

// Type names the GraphQL type of a field.
func Type(name string) schema.Annotation { return entgql.Type(name) }

// QueryField adds a root query field for the type.
func QueryField(name ...string) schema.Annotation { return entgql.QueryField(name...) }

// MultiOrder lets the type's connection be ordered by several fields.
func MultiOrder() schema.Annotation { return entgql.MultiOrder() }

// Mutations generates the given mutation inputs.
func Mutations(inputs ...MutationOption) schema.Annotation { return entgql.Mutations(inputs...) }

// MutationCreate is the create input.
func MutationCreate() MutationOption { return entgql.MutationCreate() }

// MutationUpdate is the update input.
func MutationUpdate() MutationOption { return entgql.MutationUpdate() }
